// A Grafana dashboard per agent, as a ConfigMap the Grafana sidecar picks up.
import assert from "node:assert/strict";
import { agentMonitoring, componentPlan } from "../../componentFixtures";
import { awsStack, IMAGE } from "../../fixtures";
import type { Plan } from "../../../tools/mockRuntime";

const monitoring = (stack: Record<string, unknown>) => componentPlan(stack, agentMonitoring);

const configMaps = (plan: Plan) =>
    plan.ofType("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.metadata.labels?.grafana_dashboard === "1");

describe("AgentDashboard", () => {
    it("ships one dashboard per agent into the sidecar's namespace, with the panels an operator needs", async () => {
        const plan = await monitoring(awsStack({
            agents: [{ name: "research-agent", image: IMAGE }, { name: "support-agent", image: IMAGE.replace("research", "support") }],
            monitoring: { prometheusNamespace: "observability", dashboards: { folder: "Agents" }, requestMetrics: "app-metrics" },
        }));
        const maps = configMaps(plan);
        assert.deepEqual(maps.map((m) => m.inputs.metadata.name), ["adk-dashboard-adk-agents-research-agent", "adk-dashboard-adk-agents-support-agent"]);
        assert.ok(maps.every((m) => m.inputs.metadata.namespace === "observability"));
        assert.equal(maps[0].inputs.metadata.annotations.grafana_folder, "Agents");

        const dashboard = JSON.parse(maps[0].inputs.data["adk-research-agent.json"]);
        assert.deepEqual(dashboard.panels.map((p: { title: string }) => p.title), [
            "Request rate by track", "Error ratio (5xx responses) by track", "p95 latency by track", "Canary vs stable over 30m",
            "Error budget remaining (30d)", "SLI error ratio, 1h", "MCP calls by server and status", "Active conversations",
        ]);
        const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
        assert.ok(exprs.every((e) => e.includes(`namespace="adk-agents", agent_id="research-agent"`)), "every query is scoped to the agent");
        assert.ok(exprs.some((e) => e.startsWith("adk_canary:errors:ratio_rate30m{")));
        assert.ok(exprs.some((e) => e.startsWith("adk_slo:error_budget_remaining:ratio{")));
        // Panels never overlap on the 24-column grid.
        const cells = new Set<string>();
        for (const { gridPos } of dashboard.panels) {
            assert.ok(gridPos.x + gridPos.w <= 24);
            for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
                const cell = `${x},${gridPos.y}`;
                assert.ok(!cells.has(cell), `overlap at ${cell}`);
                cells.add(cell);
            }
        }
    });

    it("reads the span-derived series by default: invocation spans for requests, tool spans instead of MCP calls and conversations", async () => {
        const [map] = configMaps(await monitoring(awsStack()));
        const dashboard = JSON.parse(map.inputs.data["adk-research-agent.json"]);
        assert.deepEqual(dashboard.panels.map((p: { title: string }) => p.title), [
            "Request rate by track", "Error ratio (failed agent runs) by track", "p95 latency by track", "Canary vs stable over 30m",
            "Error budget remaining (30d)", "SLI error ratio, 1h", "Tool calls by tool and status",
        ]);
        const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
        assert.match(exprs[0], /^sum by \(track\) \(rate\(adk_spans_calls_total\{namespace="adk-agents", agent_id="research-agent", span_name="invocation"\}\[5m\]\)\)$/);
        assert.match(exprs[2], /adk_spans_duration_seconds_bucket\{namespace="adk-agents", agent_id="research-agent", span_name="invocation"\}/);
        assert.ok(exprs.every((e) => !e.includes("adk_agent_")));
    });

    it("follows a custom sidecar label, and can be switched off", async () => {
        const labelled = await monitoring(awsStack({ monitoring: { dashboards: { label: "grafana.io/dashboard", namespace: "grafana" } } }));
        const [map] = labelled.ofType("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.metadata.labels?.["grafana.io/dashboard"] === "1");
        assert.equal(map.inputs.metadata.namespace, "grafana");
        const off = await monitoring(awsStack({ monitoring: { dashboards: { enabled: false } } }));
        assert.equal(off.ofType("adk:monitoring:AgentDashboard").length, 0);
    });
});
