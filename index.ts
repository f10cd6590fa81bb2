// adk-platform: one stack = one environment of the ADK agents on one cloud.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { AgentWorkload } from "./components/k8s/agentWorkload";
import { kubernetesProvider } from "./components/k8s/provider";
import { AgentMonitoring } from "./components/monitoring/agentMonitoring";
import { OTEL_COLLECTOR_NAME, OtelCollector } from "./components/monitoring/otelCollector";
import { telemetryEnv } from "./components/monitoring/telemetryEnv";
import { NamespaceBaseline } from "./components/security/namespaceBaseline";
import { AgentExternalSecret } from "./components/security/agentExternalSecret";
import { AgentNetworkPolicies } from "./components/security/networkPolicies";
import { platformFor } from "./platform";

export = async () => {
    // Every key is validated before the first resource is registered.
    const config = loadConfig();

    const cloud = platformFor(config);
    const k8sProvider = kubernetesProvider("cluster", config.kubernetes);
    const labels = { environment: config.environment, ...config.security.labels };

    const baseline = new NamespaceBaseline("agents", {
        name: config.namespace,
        labels,
        quota: config.security.quota,
        containerDefaults: config.security.containerDefaults,
        operatorGroup: config.security.operatorGroup,
    }, { provider: k8sProvider });
    new AgentNetworkPolicies("agents", {
        namespace: baseline.namespaceName,
        labels,
        agents: config.agents,
        loadBalancerSourceRanges: cloud.loadBalancerSourceRanges,
        monitoringNamespace: config.monitoring.prometheusNamespace,
        collectorSelector: { "app.kubernetes.io/name": "otel-collector" },
        // The collector's own metrics port (components/monitoring/otelCollector.ts).
        collectorMetricsPort: 8888,
        egressAllow: [...cloud.workloadIdentityEgress, ...config.security.egressAllow],
    }, { provider: k8sProvider, dependsOn: [baseline] });

    const cloudSecrets = config.security.secretDelivery === "external-secrets"
        ? cloud.agentSecrets("secrets", { namespace: config.namespace, agents: config.agents.filter((a) => a.secrets !== undefined) })
        : {};
    const delivered = (agent: string) => cloudSecrets[agent] && new AgentExternalSecret(agent, {
        namespace: baseline.namespaceName,
        agent,
        storeProvider: cloudSecrets[agent].storeProvider,
        remoteKey: cloudSecrets[agent].remoteKey,
        refreshInterval: config.security.secretRefreshInterval,
        labels,
    }, { provider: k8sProvider, dependsOn: [baseline] });

    const workloads = config.agents.map((agent) => new AgentWorkload(agent.name, {
        agent,
        serviceAccountAnnotations: cloudSecrets[agent.name]?.serviceAccountAnnotations,
        externalSecretName: delivered(agent.name)?.secretName,
        platformEnv: telemetryEnv({ agent, environment: config.environment, namespace: config.namespace, monitoring: config.monitoring }),
        namespace: baseline.namespaceName,
        maxUnavailable: config.maxUnavailable,
        maxSurge: config.maxSurge,
        topologySpread: config.topologySpread,
        labels,
    }, { provider: k8sProvider, dependsOn: [baseline] }));

    const tracing = config.monitoring.tracing;
    if (tracing.enabled) {
        new OtelCollector("traces", {
            namespace: config.namespace,
            tracing,
            ...(tracing.backend === "cloud" ? cloud.cloudTracing("traces", { namespace: config.namespace, serviceAccountName: OTEL_COLLECTOR_NAME }) : {}),
            scrape: { release: config.monitoring.release, interval: config.monitoring.scrapeInterval },
            labels,
        }, { provider: k8sProvider, dependsOn: [baseline] });
    }
    new AgentMonitoring("agents", {
        namespace: config.namespace,
        agentNames: config.agents.map((a) => a.name),
        monitoring: config.monitoring,
        labels,
    }, { provider: k8sProvider, dependsOn: [baseline] });

    const logs = config.monitoring.logging.ship ? cloud.containerLogs("logs", { namespace: config.namespace, kubernetesProvider: k8sProvider, labels }) : undefined;

    const edge = cloud.canaryLoadBalancer("edge", {
        services: Object.fromEntries(workloads.map((w, i) => [config.agents[i].name, w.services])),
        namespace: baseline.namespaceName,
        kubernetesProvider: k8sProvider,
        labels,
    });

    return {
        namespace: baseline.namespaceName,
        agents: Object.fromEntries(workloads.map((w, i) => [config.agents[i].name, {
            tracks: w.tracks,
            services: Object.fromEntries(w.tracks.map((t) => [t, w.services[t]!.metadata.name])),
        }])),
        environment: pulumi.output(config.environment),
        cloud: cloud.cloud,
        logDestination: logs?.destination,
        url: edge.url,
        loadBalancerDnsName: edge.dnsName,
        endpoints: edge.endpoints,
        backends: edge.backends,
    };
};
