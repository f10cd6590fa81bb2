// The PrometheusRule of a stack: what the plan ships, and proof with promtool that the rules parse
// and fire when they should (fixtures in test/promtool/, rendered with the default settings): files
// named spans-* hold series as the collector derives them from spans, container-* cAdvisor's series
// that both sources share, the others the application metrics.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { dashboardModel } from "../../../components/observability/agentDashboard";
import { leMatcher, num } from "../../../components/observability/promql";
import { BURN_WINDOWS, ruleGroups } from "../../../components/observability/ruleGroups";
import { REQUEST_METRICS, RequestMetrics, resolveMonitoring } from "../../../components/observability/config";
import { ROOT, stackNames } from "../../../tools/stackConfig";
import { awsStack, planFor, stackPlan } from "../../fixtures";

const FIXTURES = path.join(ROOT, "test", "promtool");
/** The agents the promtool fixtures are written for. */
const AGENTS = ["research-agent", "support-agent"];
const CONTRACT_ALERTS = ["ADKAgentHighErrorRate", "ADKAgentHighLatency", "ADKAgentMCPCallFailures", "ADKAgentMemoryLeak", "ADKContainerCPUThrottling", "ADKAgentErrorBudgetBurn", "ADKCanaryUnhealthy"];

function promtool(args: string[], cwd: string) {
    const result = spawnSync("promtool", args, { cwd, encoding: "utf8" });
    // CI installs promtool (.ci/run); a missing binary is a failure, never a skip.
    if (result.error) throw new Error(`promtool could not run (${result.error.message}); install it with: apt-get install -y prometheus`);
    return { status: result.status, output: result.stdout + result.stderr };
}

function withRules(groups: unknown, use: (dir: string) => void): void {
    const dir = mkdtempSync(path.join(tmpdir(), "adk-rules-"));
    try {
        writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups }, { lineWidth: 0 }));
        use(dir);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

const alertsOf = (groups: { rules: { alert?: string }[] }[]) => groups.flatMap((g) => g.rules).filter((r) => r.alert);

/** The request sources a fixture file is written for. */
function sourcesOf(file: string): RequestMetrics[] {
    if (file.startsWith("spans-")) return ["spans"];
    if (file.startsWith("container-")) return [...REQUEST_METRICS];
    return ["app-metrics"];
}

const rulesFor = (requestMetrics: RequestMetrics, monitoring: Parameters<typeof resolveMonitoring>[0] = {}) =>
    ruleGroups({ namespace: "adk-agents", agents: AGENTS, monitoring: resolveMonitoring({ ...monitoring, requestMetrics }, { environment: "prod" }) });

describe("AgentRules", () => {
    describe("promtool", () => {
        for (const source of REQUEST_METRICS) {
            it(`accepts the rendered rules for request metrics from ${source} (promtool check rules)`, () => {
                withRules(rulesFor(source), (dir) => {
                    const result = promtool(["check", "rules", "rules.yaml"], dir);
                    assert.equal(result.status, 0, result.output);
                    assert.match(result.output, /SUCCESS: \d+ rules found/);
                });
            });
        }

        for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".test.yaml"))) {
            for (const source of sourcesOf(file)) {
                it(`passes ${file} with request metrics from ${source} (promtool test rules)`, () => {
                    withRules(rulesFor(source), (dir) => {
                        copyFileSync(path.join(FIXTURES, file), path.join(dir, file));
                        const result = promtool(["test", "rules", file], dir);
                        assert.equal(result.status, 0, result.output);
                    });
                });
            }
        }

        it("has a scenario with span-shaped series for every alert the application metrics' scenarios test", () => {
            const alertsIn = (prefix: (f: string) => boolean) => new Set(readdirSync(FIXTURES).filter(prefix)
                .flatMap((f) => [...readFileSync(path.join(FIXTURES, f), "utf8").matchAll(/alertname: (\w+)/g)].map((m) => m[1])));
            const spans = alertsIn((f) => f.startsWith("spans-") || f.startsWith("container-"));
            const app = alertsIn((f) => !f.startsWith("spans-"));
            assert.deepEqual([...app].filter((a) => !spans.has(a)), []);
        });

        it("fails the span fixtures when the rules read the application metrics, so they test the span series", () => {
            withRules(rulesFor("app-metrics"), (dir) => {
                copyFileSync(path.join(FIXTURES, "spans-canary.test.yaml"), path.join(dir, "spans-canary.test.yaml"));
                assert.equal(promtool(["test", "rules", "spans-canary.test.yaml"], dir).status, 1);
            });
        });

        it("fails the fixtures when a threshold is wrong, so they can catch a regression", () => {
            const loose = rulesFor("app-metrics", { canary: { minRequests: 50 } });
            withRules(loose, (dir) => {
                copyFileSync(path.join(FIXTURES, "canary.test.yaml"), path.join(dir, "canary.test.yaml"));
                const result = promtool(["test", "rules", "canary.test.yaml"], dir);
                assert.equal(result.status, 1, result.output);
                assert.match(result.output, /a canary below the minimum sample fires nothing/);
            });
            const eager = rulesFor("app-metrics", { alerts: { minRequests: 5 } });
            withRules(eager, (dir) => {
                copyFileSync(path.join(FIXTURES, "agent-alerts.test.yaml"), path.join(dir, "agent-alerts.test.yaml"));
                const result = promtool(["test", "rules", "agent-alerts.test.yaml"], dir);
                assert.equal(result.status, 1, result.output);
                assert.match(result.output, /a canary with 9 requests in 5 minutes, 1 of them failed, pages nobody/);
            });
        });
    });

    describe("rules", () => {
        it("has every documented alert and ADKAgentNotScraped, each with summary, description and a runbook link", () => {
            const alerts = alertsOf(ruleGroups({ namespace: "adk-agents", agents: AGENTS, monitoring: resolveMonitoring({}, { environment: "prod" }) })) as { alert: string; annotations: Record<string, string>; labels: Record<string, string> }[];
            assert.deepEqual([...new Set(alerts.map((a) => a.alert))].sort(), [...CONTRACT_ALERTS, "ADKAgentNotScraped"].sort());
            for (const alert of alerts) {
                assert.deepEqual(Object.keys(alert.annotations).sort(), ["description", "runbook_url", "summary"], alert.alert);
                assert.equal(alert.annotations.runbook_url, `https://github.com/adk-platform/adk-platform/blob/main/README.md#runbook-${alert.alert.toLowerCase()}`);
                assert.match(alert.labels.severity, /^(critical|warning)$/);
            }
        });

        it("pages on 14.4x and 6x and tickets on 3x and 1x for each SLO (Workbook, 30 days)", () => {
            const burns = alertsOf(ruleGroups({ namespace: "adk-agents", agents: AGENTS, monitoring: resolveMonitoring({}, { environment: "prod" }) }))
                .filter((r) => r.alert === "ADKAgentErrorBudgetBurn") as { labels: Record<string, string>; expr: string }[];
            assert.deepEqual(burns.map((b) => `${b.labels.slo} ${b.labels.long_window}/${b.labels.short_window} ${b.labels.burn_rate} ${b.labels.severity}`), [
                "availability 1h/5m 14.4 critical", "availability 6h/30m 6 critical", "availability 1d/2h 3 warning", "availability 3d/6h 1 warning",
                "latency 1h/5m 14.4 critical", "latency 6h/30m 6 critical", "latency 1d/2h 3 warning", "latency 3d/6h 1 warning",
            ]);
            assert.match(burns[0].expr, /ratio_rate1h\{namespace="adk-agents", slo="availability"\} > \(14\.4 \* 0\.001\)/);
            assert.match(burns[4].expr, /> \(14\.4 \* 0\.05\)/);
        });

        it("scales the burn factors to a 28-day period", () => {
            const burns = alertsOf(ruleGroups({ namespace: "adk-agents", agents: AGENTS, monitoring: resolveMonitoring({ slo: { periodDays: 28 } }, { environment: "prod" }) }))
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
