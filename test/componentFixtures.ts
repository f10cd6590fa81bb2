// Component tests: one component constructed with its typed args on the mocks, without the rest
// of the program. Args come from a stack config resolved as the program resolves it.
import type * as k8s from "@pulumi/kubernetes";
import { loadConfig, PlatformConfig } from "../config";
import { AgentWorkload } from "../components/agents/agentWorkload";
import { kubernetesProvider } from "../components/kubernetes/provider";
import { AgentMonitoring } from "../components/observability/agentMonitoring";
import { platformFor } from "../components/platform";
import { ComponentRunOptions, Plan, runComponents } from "../tools/mockRuntime";

export interface ComponentContext {
    /** The stack's configuration as `loadConfig` resolves it (validation, preset, agent defaults). */
    config: PlatformConfig;
    /** Options that create objects through the stack's Kubernetes provider, as the program passes them. */
    cluster: { provider: k8s.Provider };
    /** The labels the program gives every object: environment and the security section's. */
    labels: Record<string, string>;
}

/**
 * Runs `build` on the mocks with `config` (as from `awsStack`/`gcpStack`) set as the stack's, and
 * returns lookups over what it registered; `build` constructs the component under test, and what
 * it returns becomes the run's outputs.
 */
export async function componentPlan(config: Record<string, unknown>, build: (context: ComponentContext) => Record<string, unknown> | void, options: Omit<ComponentRunOptions, "config"> = {}): Promise<Plan> {
    return new Plan(await runComponents(() => {
        const resolved = loadConfig();
        return build({
            config: resolved,
            cluster: { provider: kubernetesProvider("cluster", resolved.kubernetes) },
            labels: { environment: resolved.environment, ...resolved.security.labels },
        });
    }, { ...options, config }));
}

/** One AgentWorkload per agent of the stack, with the args the stack's preset gives it. */
export function agentWorkloads({ config, cluster, labels }: ComponentContext): AgentWorkload[] {
    const { namespace, maxUnavailable, maxSurge, topologySpread } = config;
    return config.agents.map((agent) => new AgentWorkload(agent.name, { agent, namespace, maxUnavailable, maxSurge, topologySpread, labels }, cluster));
}

/** The cloud's canary load balancer in front of the agents' workloads; what it tells the stack as outputs, named as the program names them. */
export function canaryEdge(context: ComponentContext): Record<string, unknown> {
    const services = Object.fromEntries(agentWorkloads(context).map((w) => [w.agentName, w.services]));
    const { config, cluster, labels } = context;
    const edge = platformFor(config).canaryLoadBalancer("edge", { services, namespace: config.namespace, kubernetesProvider: cluster.provider, labels });
    return { url: edge.url, loadBalancerDnsName: edge.dnsName, endpoints: edge.endpoints, backends: edge.backends, certificateDnsRecords: edge.certificateDnsRecords };
}

/** The stack's AgentMonitoring: rules, and per agent a dashboard and, scraping the agents, a ServiceMonitor. */
export function agentMonitoring({ config, cluster, labels }: ComponentContext): void {
    new AgentMonitoring("agents", { namespace: config.namespace, agentNames: config.agents.map((a) => a.name), monitoring: config.monitoring, labels }, cluster);
}
