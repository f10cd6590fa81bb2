// adk-platform: one stack = one environment of the ADK agents on one cloud.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { AgentWorkload } from "./components/k8s/agentWorkload";
import { kubernetesProvider } from "./components/k8s/provider";
import { NamespaceBaseline } from "./components/security/namespaceBaseline";
import { platformFor } from "./platform";

export = async () => {
    // Every key is validated before the first resource is registered.
    const config = loadConfig();

    const cloud = platformFor(config);
    const k8sProvider = kubernetesProvider("cluster", config.kubernetes);
    const labels = { environment: config.environment };

    const baseline = new NamespaceBaseline("agents", { name: config.namespace, labels }, { provider: k8sProvider });

    const workloads = config.agents.map((agent) => new AgentWorkload(agent.name, {
        agent,
        namespace: baseline.namespaceName,
        maxUnavailable: config.maxUnavailable,
        maxSurge: config.maxSurge,
        topologySpread: config.topologySpread,
        labels,
    }, { provider: k8sProvider, dependsOn: [baseline] }));

    return {
        namespace: baseline.namespaceName,
        agents: Object.fromEntries(workloads.map((w, i) => [config.agents[i].name, {
            tracks: w.tracks,
            services: Object.fromEntries(w.tracks.map((t) => [t, w.services[t]!.metadata.name])),
        }])),
        environment: pulumi.output(config.environment),
        cloud: cloud.cloud,
    };
};
