// One ServiceMonitor per agent that exposes the application metrics: both tracks' Services, with
// `track` and `version` on every series. With request metrics from spans, none.
import assert from "node:assert/strict";
import { agentMonitoring, agentWorkloads, componentPlan, ComponentContext } from "../../componentFixtures";
import { awsStack, IMAGE, planFor } from "../../fixtures";
import type { Plan } from "../../../tools/mockRuntime";

const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";

/** The agents' ServiceMonitors (the collector has its own). */
const agentMonitors = (plan: Plan) =>
    plan.ofType(SERVICE_MONITOR).filter((m) => plan.resources.find((r) => r.urn === m.parent)?.type === "adk:monitoring:AgentServiceMonitor");

/** The agents' monitoring with the workloads whose Services it selects. */
const monitored = (stack: Record<string, unknown>) => componentPlan(stack, (context: ComponentContext) => {
    agentWorkloads(context);
    agentMonitoring(context);
});

describe("AgentServiceMonitor", () => {
    it("scrapes each agent's track Services on the http port at /metrics, keeping track and version", async () => {
        const plan = await monitored(awsStack({
            namespace: "research",
            agents: [
                { name: "research-agent", image: IMAGE, maxReplicas: 2, canary: { tag: "1.5.0", weight: 10 } },
                { name: "support-agent", image: IMAGE.replace("research", "support"), maxReplicas: 1 },
            ],
            monitoring: { requestMetrics: "app-metrics" },
        }));
        const monitors = agentMonitors(plan);
        assert.deepEqual(monitors.map((m) => m.inputs.metadata.name), ["research-agent", "support-agent"]);
        const [research] = monitors;
        assert.equal(research.inputs.metadata.namespace, "research");
        assert.deepEqual(research.inputs.spec.namespaceSelector, { matchNames: ["research"] });
        assert.deepEqual(research.inputs.spec.podTargetLabels, ["track", "version"]);
        assert.deepEqual(research.inputs.spec.selector, {
            matchLabels: { app: "research-agent", "app.kubernetes.io/component": "agent" },
            matchExpressions: [{ key: "track", operator: "Exists" }],
        });
        const [endpoint] = research.inputs.spec.endpoints;
        assert.equal(endpoint.port, "http");
        assert.equal(endpoint.path, "/metrics");
        assert.equal(endpoint.interval, "30s");
        assert.equal(endpoint.honorLabels, false);

        // The selector must find both tracks' Services and nothing else of the agent.
        const services = plan.ofType("kubernetes:core/v1:Service").filter((s) => s.inputs.metadata.labels?.app === "research-agent");
        const selected = services.filter((s) => Object.entries(research.inputs.spec.selector.matchLabels).every(([k, v]) => s.inputs.metadata.labels[k] === v) && "track" in s.inputs.metadata.labels);
        assert.deepEqual(selected.map((s) => s.inputs.metadata.labels.track).sort(), ["canary", "stable"]);
        assert.ok(selected.every((s) => s.inputs.spec.ports.some((p: { name: string }) => p.name === "http")));
    });

    it("carries kube-prometheus-stack's release label and the configured scrape interval", async () => {
        const plan = await monitored(awsStack({ monitoring: { release: "monitoring", scrapeInterval: "15s", requestMetrics: "app-metrics" } }));
        const [monitor] = agentMonitors(plan);
        assert.equal(monitor.inputs.metadata.labels.release, "monitoring");
        assert.equal(monitor.inputs.spec.endpoints[0].interval, "15s");
    });

    // The collector's ServiceMonitor is the only one of the whole stack.
    it("scrapes no agent when the request metrics come from spans: ADK serves no /metrics", async () => {
        const plan = await planFor(awsStack());
        assert.deepEqual(agentMonitors(plan), []);
        assert.equal(plan.ofType(SERVICE_MONITOR).length, 1, "the collector's");
    });
});
