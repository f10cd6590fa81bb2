// The PrometheusRule of a stack: what the plan ships, and proof with promtool that the rules parse
// (that they fire when they should: test/promtool/fixtures.test.ts).
import assert from "node:assert/strict";
import { dashboardModel } from "../../../components/observability/agentDashboard";
import { leMatcher, num } from "../../../components/observability/promql";
import { BURN_WINDOWS, ruleGroups } from "../../../components/observability/ruleGroups";
import { REQUEST_METRICS, resolveMonitoring } from "../../../components/observability/config";
import { stackNames } from "../../../tools/stackConfig";
import { awsStack, planFor, stackPlan } from "../../fixtures";
import { AGENTS, promtool, rulesFor, withRules } from "../../promtool/promtool";

const CONTRACT_ALERTS = ["ADKAgentHighErrorRate", "ADKAgentHighLatency", "ADKAgentMCPCallFailures", "ADKAgentMemoryLeak", "ADKContainerCPUThrottling", "ADKAgentErrorBudgetBurn", "ADKCanaryUnhealthy"];

const alertsOf = (groups: { rules: { alert?: string }[] }[]) => groups.flatMap((g) => g.rules).filter((r) => r.alert);

describe("AgentRules", () => {
    describe("rules", () => {
        it("has every documented alert and ADKAgentNotScraped, each with summary, description and a runbook link", () => {
            const alerts = alertsOf(rulesFor("spans")) as { alert: string; annotations: Record<string, string>; labels: Record<string, string> }[];
            assert.deepEqual([...new Set(alerts.map((a) => a.alert))].sort(), [...CONTRACT_ALERTS, "ADKAgentNotScraped"].sort());
            for (const alert of alerts) {
                assert.deepEqual(Object.keys(alert.annotations).sort(), ["description", "runbook_url", "summary"], alert.alert);
                assert.equal(alert.annotations.runbook_url, `https://github.com/adk-platform/adk-platform/blob/main/README.md#runbook-${alert.alert.toLowerCase()}`);
                assert.match(alert.labels.severity, /^(critical|warning)$/);
            }
        });

        it("pages on 14.4x and 6x and tickets on 3x and 1x for each SLO (Workbook, 30 days)", () => {
            const burns = alertsOf(rulesFor("spans"))
                .filter((r) => r.alert === "ADKAgentErrorBudgetBurn") as { labels: Record<string, string>; expr: string }[];
            assert.deepEqual(burns.map((b) => `${b.labels.slo} ${b.labels.long_window}/${b.labels.short_window} ${b.labels.burn_rate} ${b.labels.severity}`), [
                "availability 1h/5m 14.4 critical", "availability 6h/30m 6 critical", "availability 1d/2h 3 warning", "availability 3d/6h 1 warning",
                "latency 1h/5m 14.4 critical", "latency 6h/30m 6 critical", "latency 1d/2h 3 warning", "latency 3d/6h 1 warning",
            ]);
            assert.match(burns[0].expr, /ratio_rate1h\{namespace="adk-agents", slo="availability"\} > \(14\.4 \* 0\.001\)/);
            assert.match(burns[4].expr, /> \(14\.4 \* 0\.05\)/);
        });

        it("scales the burn factors to a 28-day period", () => {
            const burns = alertsOf(rulesFor("spans", { slo: { periodDays: 28 } }))
                .filter((r) => r.alert === "ADKAgentErrorBudgetBurn") as { labels: Record<string, string> }[];
            assert.deepEqual(burns.slice(0, BURN_WINDOWS.length).map((b) => b.labels.burn_rate), ["13.44", "5.6", "2.8", "0.933333333333"]);
        });

        it("takes objectives, latency threshold and canary criteria from config", () => {
            const groups = ruleGroups({
                namespace: "shop",
                agents: ["checkout"],
                monitoring: resolveMonitoring({ slo: { availability: 99.5, latencyThresholdMs: 1000 }, canary: { window: "1h", maxErrorRate: 1, maxP95Ms: 800, minRequests: 500 } }, { environment: "prod" }),
            });
            const text = JSON.stringify(groups);
            assert.match(text, /\(14\.4 \* 0\.005\)/);
            assert.match(text, /le=~\\"1\(\[\.\]0\+\)\?\\"/);
            assert.match(text, /adk_canary:errors:ratio_rate1h\{namespace=\\"shop\\", track=\\"canary\\"\} > 0\.01/);
            assert.match(text, /adk_canary:latency_seconds:p95_rate1h\{namespace=\\"shop\\", track=\\"canary\\"\} > 0\.8/);
            assert.match(text, /adk_canary:requests:increase1h\{namespace=\\"shop\\", track=\\"canary\\"\} >= 500/);
            assert.doesNotMatch(text, /adk-agents/);
        });

        for (const [source, latencyEvents] of [
            ["app-metrics", /adk_agent_request_duration_seconds_bucket\{namespace="adk-agents", le="\+Inf"\}\[1h\]/],
            ["spans", /adk_spans_duration_seconds_bucket\{namespace="adk-agents", span_name="invocation", le="\+Inf"\}\[1h\]/],
        ] as const) {
            it(`guards every page on a request ratio with alerts.minRequests over the alert's window, and no ticket (${source})`, () => {
                const alerts = alertsOf(rulesFor(source, { alerts: { minRequests: 7 } })) as { alert: string; expr: string; labels: Record<string, string> }[];
                const guard = (window: string) => new RegExp(`\\nand on \\([a-z_, ]+\\)\\nsum by \\([a-z_, ]+\\) \\(increase\\([a-z_]+\\{[^}]*\\}\\[${window}\\]\\)\\) >= 7$`);
                const [highErrorRate] = alerts.filter((a) => a.alert === "ADKAgentHighErrorRate");
                assert.match(highErrorRate.expr, guard("5m"));
                const burns = alerts.filter((a) => a.alert === "ADKAgentErrorBudgetBurn");
                for (const burn of burns.filter((b) => b.labels.severity === "critical")) assert.match(burn.expr, guard(burn.labels.long_window), burn.labels.long_window);
                for (const burn of burns.filter((b) => b.labels.severity === "warning")) assert.doesNotMatch(burn.expr, /increase/);
                assert.match(burns.find((b) => b.labels.slo === "latency")!.expr, latencyEvents);
            });
        }

        for (const [source, failed, matchers] of [
            ["app-metrics", "5xx fail, 4xx succeed", [`status_code=~\\"5..\\"`]],
            ["spans", "runs whose span ends in ERROR fail, and only the invocation span is a request", [`status_code=\\"STATUS_CODE_ERROR\\"`]],
        ] as const) {
            it(`classifies requests one way in the rules and the dashboards (${source}): ${failed}`, () => {
                const monitoring = resolveMonitoring({ requestMetrics: source }, { environment: "prod" });
                const rendered = JSON.stringify([
                    ruleGroups({ namespace: "adk-agents", agents: AGENTS, monitoring }),
                    dashboardModel({ agentName: "research-agent", agentNamespace: "adk-agents", monitoring }),
                ]);
                assert.deepEqual([...new Set(rendered.match(/status_code[=!]~?\\"[^\\]*\\"/g))], matchers);
                if (source === "spans") {
                    // Every selector of a span series names its spans: requests (invocation) or tool calls.
                    const selectors = rendered.match(/adk_spans_[a-z_]+\{[^}]*\}/g) ?? [];
                    assert.ok(selectors.length > 0);
                    for (const sel of selectors) assert.match(sel, /span_name(=\\"invocation\\"|=~\\"execute_tool \.\+\\")/, sel);
                    assert.doesNotMatch(rendered, /adk_agent_/);
                }
            });
        }

        it("matches bucket bounds as Go and Python clients print them", () => {
            assert.equal(leMatcher(0.5), `le=~"0[.]50*"`);
            assert.equal(leMatcher(1), `le=~"1([.]0+)?"`);
            assert.equal(num(1 - 0.999), "0.001");
        });
    });

    describe("in the plan", () => {
        it("ships one PrometheusRule in the agents' namespace with the release label and the rendered groups", async () => {
            const plan = await planFor(awsStack({ namespace: "research", monitoring: { release: "prom" } }));
            const [rule] = plan.ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
            assert.equal(plan.ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").length, 1);
            assert.equal(rule.inputs.metadata.namespace, "research");
            assert.equal(rule.inputs.metadata.labels.release, "prom");
            assert.deepEqual(rule.inputs.spec.groups, ruleGroups({ namespace: "research", agents: ["research-agent"], monitoring: resolveMonitoring({ release: "prom" }, { environment: "dev" }) }));
            const parent = plan.resources.find((r) => r.urn === rule.parent)!;
            assert.equal(parent.type, "adk:monitoring:AgentRules");
        });

        for (const source of REQUEST_METRICS) {
            it(`passes promtool check rules as a plan with request metrics from ${source} ships them`, async () => {
                const plan = await planFor(awsStack({ agents: AGENTS.map((name) => ({ name, image: `example.com/${name}:1.0.0` })), monitoring: { requestMetrics: source } }));
                const groups = plan.ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule").flatMap((r) => r.inputs.spec.groups);
                assert.match(JSON.stringify(groups), source === "spans" ? /adk_spans_calls_total/ : /adk_agent_requests_total/);
                withRules(groups, (dir) => {
                    const check = promtool(["check", "rules", "rules.yaml"], dir);
                    assert.equal(check.status, 0, check.output);
                });
            });
        }

        it("passes promtool check rules as the plan writes them, for every stack file", async () => {
            const stacks = stackNames();
            assert.ok(stacks.length >= 2, stacks.join(", "));
            for (const stack of stacks) {
                const result = await stackPlan(stack);
                assert.ok(result.rules, `stack ${stack} has no rules`);
                withRules(result.rules.groups, (dir) => {
                    const check = promtool(["check", "rules", "rules.yaml"], dir);
                    assert.equal(check.status, 0, `${stack}: ${check.output}`);
                });
            }
        });
    });
});
