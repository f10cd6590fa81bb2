// adk-platform: one stack = one environment of the ADK agents on one cloud.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "./config";
import { AgentWorkload } from "./components/agents/agentWorkload";
import { kubernetesProvider } from "./components/kubernetes/provider";
import { AgentMonitoring } from "./components/observability/agentMonitoring";
import { OTEL_COLLECTOR_NAME, OtelCollector } from "./components/observability/otelCollector";
import { telemetryEnv, trackTelemetryEnv } from "./components/observability/telemetryEnv";
import { AgentExternalSecret } from "./components/secrets/agentExternalSecret";
import { NamespaceBaseline } from "./components/namespace/namespaceBaseline";
import { AgentNetworkPolicies } from "./components/namespace/networkPolicies";
import { platformFor } from "./components/platform";
import type { AgentWithSecrets } from "./components/platform/cloud";
import { sessionEnv } from "./components/sessions/store";

export = async () => {
    // Every key is validated before the first resource is registered.
    const config = loadConfig();
    const { namespace, security, monitoring } = config;

    // Explicit providers: the stack's cloud account or project, and the stack's cluster.
    const cloud = platformFor(config);
    const cluster = { provider: kubernetesProvider("cluster", config.kubernetes) };
    const labels = { environment: config.environment, ...security.labels };

    // The namespace: restricted Pod Security, quota and limits, read-only operator access.
    const baseline = new NamespaceBaseline("agents", {
        name: namespace,
        labels,
        namespaceLabels: cloud.namespaceLabels,
        quota: security.quota,
        containerDefaults: security.containerDefaults,
        operatorGroup: security.operatorGroup,
    }, cluster);
    const inNamespace = { ...cluster, dependsOn: [baseline] };

    // Secrets: in prod, the cloud's secret store synced by External Secrets Operator; in dev, a
    // Kubernetes Secret straight from the stack's secret config (AgentWorkload).
    const cloudSecrets = security.secretDelivery === "external-secrets"
        ? cloud.agentSecrets("secrets", { namespace, agents: config.agents.filter((a): a is AgentWithSecrets => a.secrets !== undefined) })
        : {};
    const externalSecrets = Object.fromEntries(Object.entries(cloudSecrets).map(([agent, secret]) => [agent, new AgentExternalSecret(agent, {
        namespace: baseline.namespaceName,
        agent,
        storeProvider: secret.storeProvider,
        remoteKey: secret.remoteKey,
        refreshInterval: security.secretRefreshInterval,
        labels,
    }, inNamespace)]));

    // Sessions: one database per stack (a database and a role per agent), or Agent Engine; none for memory.
    const sessions = cloud.sessionStore("sessions", {
        namespace,
        agents: config.agents,
        serviceAccountAnnotations: Object.fromEntries(Object.entries(cloudSecrets).map(([agent, secret]) => [agent, secret.serviceAccountAnnotations])),
        kubernetesProvider: cluster.provider,
        dependsOn: [baseline],
        refreshInterval: security.secretRefreshInterval,
        labels,
    });
    // Each agent's ServiceAccount maps to one cloud identity: its secrets', or the one its sessions gave it.
    const identities = Object.fromEntries(config.agents.map((a) => [a.name, { ...cloudSecrets[a.name]?.serviceAccountAnnotations, ...sessions?.agents[a.name].serviceAccountAnnotations }]));

    // What each agent reaches with that identity: Vertex AI without keys, its artifact bucket.
    const access = cloud.agentAccess({
        namespace: baseline.namespaceName,
        agents: config.agents,
        serviceAccountAnnotations: identities,
        kubernetesProvider: cluster.provider,
        labels,
    });

    // The agents: a hardened Deployment, Service, HPA and PDB per track (stable, canary).
    const workloads = config.agents.map((agent) => new AgentWorkload(agent.name, {
        agent,
        namespace: baseline.namespaceName,
        maxUnavailable: config.maxUnavailable,
        maxSurge: config.maxSurge,
        topologySpread: config.topologySpread,
        labels,
        platformEnv: { ...telemetryEnv({ agent, environment: config.environment, namespace, monitoring }), ...access[agent.name]?.env },
        trackEnv: trackTelemetryEnv({ agent, monitoring }),
        serviceAccountAnnotations: { ...identities[agent.name], ...access[agent.name]?.serviceAccountAnnotations },
        volumes: access[agent.name]?.volumes,
        externalSecretName: externalSecrets[agent.name]?.secretName,
        secretEnv: sessionEnv(sessions?.agents[agent.name]),
        sidecars: sessions?.agents[agent.name].sidecars,
    }, inNamespace));

    // In front: one TLS load balancer, weighted stable/canary routing per agent.
    const edge = cloud.canaryLoadBalancer("edge", {
        services: Object.fromEntries(workloads.map((w) => [w.agentName, w.services])),
        namespace: baseline.namespaceName,
        kubernetesProvider: cluster.provider,
        labels,
    });

    // Observability: traces through an OpenTelemetry Collector, scraping, rules and dashboards, logs.
    const collector = monitoring.tracing.enabled ? new OtelCollector("traces", {
        namespace,
        tracing: monitoring.tracing,
        requestMetrics: monitoring.requestMetrics,
        scrape: { release: monitoring.release, interval: monitoring.scrapeInterval },
        labels,
        ...(monitoring.tracing.backend === "cloud" ? cloud.cloudTracing("traces", { namespace, serviceAccountName: OTEL_COLLECTOR_NAME }) : {}),
    }, inNamespace) : undefined;
    new AgentMonitoring("agents", { namespace, agentNames: config.agents.map((a) => a.name), monitoring, labels }, inNamespace);
    const logs = monitoring.logging.ship ? cloud.containerLogs("logs", { namespace, kubernetesProvider: cluster.provider, labels }) : undefined;

    // Isolation: deny everything, then allow the load balancer, Prometheus, DNS, the collector and HTTPS out.
    new AgentNetworkPolicies("agents", {
        namespace: baseline.namespaceName,
        labels,
        agents: config.agents,
        loadBalancerSourceRanges: cloud.loadBalancerSourceRanges,
        monitoringNamespace: monitoring.prometheusNamespace,
        scrapeAgents: monitoring.requestMetrics === "app-metrics",
        collectorSelector: collector?.podLabels,
        collectorMetricsPorts: collector?.scrapePorts,
        egressAllow: [...cloud.workloadIdentityEgress, ...security.egressAllow],
        dns: cloud.clusterDns,
        sessionStore: sessions,
    }, inNamespace);

    return {
        cloud: cloud.cloud,
        environment: pulumi.output(config.environment),
        namespace: baseline.namespaceName,
        url: edge.url,
        loadBalancerDnsName: edge.dnsName,
        certificateDnsRecords: edge.certificateDnsRecords,
        endpoints: edge.endpoints,
        // Agents the load balancer serves without authentication (`public: true`, or dev without loadBalancer.auth).
        publicAgents: config.agents.filter((a) => a.public).map((a) => a.name),
        backends: edge.backends,
        agents: Object.fromEntries(workloads.map((w) => [w.agentName, { tracks: w.tracks, services: w.serviceNames }])),
        logDestination: logs?.destination,
        // Who each agent is to Vertex AI and to its artifact bucket: the principals to grant on the Google side (AWS).
        agentPrincipals: Object.fromEntries(Object.entries(access).map(([agent, a]) => [agent, a.principals])),
    };
};
