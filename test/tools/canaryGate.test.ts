// The canary gate end to end: a real Prometheus (Debian's `prometheus` package) on loopback, fed
// by `promtool tsdb create-blocks-from openmetrics` with 40 minutes of four agents' traffic at
// fixed timestamps, twice: as the agents' application metrics and as the collector derives it from
// their spans (series shaped as in test/promtool/spans-*.test.yaml). The gate runs as the CLI a
// pipeline runs, at a fixed evaluation time, for a stack of each request source.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { resolveMonitoring } from "../../components/observability/config";
import { decide, EXIT } from "../../tools/canaryGate";
import { ROOT } from "../../tools/stackConfig";
import { freePort, type PrometheusServer, startPrometheus } from "../prometheus";

const NAMESPACE = "adk-agents";
/** 2026-01-01T00:00:00Z; the gate evaluates 40 minutes later. */
const START = 1767225600;
const STEP = 15;
const MINUTES = 40;
const EVAL_TIME = String(START + MINUTES * 60);

interface Traffic {
    /** Requests per second by status code. */
    rates: Record<string, number>;
    /** Share of requests within each bucket bound (cumulative), the rest above 0.5 s. */
    buckets: Record<string, number>;
}

const FAST = { "0.1": 0.5, "0.25": 1, "0.5": 1 };
const AGENTS: Record<string, Record<"stable" | "canary", Traffic>> = {
    // 0.1% errors, p95 around 235 ms: inside every criterion.
    "good-agent": { stable: { rates: { 200: 10 }, buckets: FAST }, canary: { rates: { 200: 0.999, 503: 0.001 }, buckets: FAST } },
    // 3% errors: fails the success and the error criterion.
    "bad-agent": { stable: { rates: { 200: 10 }, buckets: FAST }, canary: { rates: { 200: 0.97, 500: 0.03 }, buckets: FAST } },
    // 1% 4xx and no 5xx on both tracks: a canary identical to stable, with ordinary client errors.
    "client-errors-agent": { stable: { rates: { 200: 9.9, 404: 0.1 }, buckets: FAST }, canary: { rates: { 200: 0.99, 404: 0.01 }, buckets: FAST } },
    // 36 requests in 30 minutes, all failing: too few to judge.
    "quiet-agent": { stable: { rates: { 200: 10 }, buckets: FAST }, canary: { rates: { 500: 0.02 }, buckets: FAST } },
    // A healthy canary that exposes no application metrics: only its spans count it.
    "traced-agent": { stable: { rates: { 200: 10 }, buckets: FAST }, canary: { rates: { 200: 1 }, buckets: FAST } },
};
const SPANS_ONLY = new Set(["traced-agent"]);

const SPAN_BUCKETS = ["0.1", "0.25", "0.5", "1", "2", "2.5", "5", "10", "30", "60", "120", "300", "+Inf"];

/** The span status a run that the application metrics count under an HTTP code ends with. */
const spanStatus = (code: string) => (code.startsWith("5") ? "STATUS_CODE_ERROR" : "STATUS_CODE_UNSET");

/** Share of requests within a bound, from the traffic's cumulative shares (the rest above 0.5 s, below 1 s). */
const shareWithin = (traffic: Traffic, le: string) => (le === "+Inf" || Number(le) >= 1 ? 1 : traffic.buckets[le] ?? 0);

/** The scrape history as OpenMetrics text, one family after the other. */
function openMetrics(): string {
    const steps = Array.from({ length: (MINUTES * 60) / STEP + 1 }, (_, i) => i * STEP);
    const family = { requests: [] as string[], buckets: [] as string[], calls: [] as string[], durations: [] as string[] };
    const samples = (into: string[], series: string, rate: number) => { for (const t of steps) into.push(`${series} ${rate * t} ${START + t}`); };
    for (const [agent, tracks] of Object.entries(AGENTS)) {
        for (const [track, traffic] of Object.entries(tracks)) {
            const labels = `namespace="${NAMESPACE}",agent_id="${agent}",track="${track}",method="POST",endpoint="/run"`;
            const total = Object.values(traffic.rates).reduce((a, b) => a + b, 0);
            for (const [code, rate] of Object.entries(traffic.rates)) if (!SPANS_ONLY.has(agent)) samples(family.requests, `adk_agent_requests_total{${labels},status_code="${code}"}`, rate);
            for (const [le, share] of [...Object.entries(traffic.buckets), ["+Inf", 1] as const]) {
                if (!SPANS_ONLY.has(agent)) samples(family.buckets, `adk_agent_request_duration_seconds_bucket{${labels},le="${le}"}`, total * share);
            }
            // One series per span status; a 4xx run ends without error.
            const spans = `namespace="${NAMESPACE}",job="otel-collector",endpoint="span-metrics",exported_job="${NAMESPACE}/${agent}",agent_id="${agent}",track="${track}",version="1.0.0",span_kind="SPAN_KIND_INTERNAL"`;
            const byStatus = new Map<string, number>();
            for (const [code, rate] of Object.entries(traffic.rates)) byStatus.set(spanStatus(code), (byStatus.get(spanStatus(code)) ?? 0) + rate);
            for (const [status, rate] of byStatus) {
                samples(family.calls, `adk_spans_calls_total{${spans},span_name="invocation",status_code="${status}"}`, rate);
                for (const le of SPAN_BUCKETS) samples(family.durations, `adk_spans_duration_seconds_bucket{${spans},span_name="invocation",status_code="${status}",le="${le}"}`, rate * shareWithin(traffic, le));
            }
            // Tool calls fail often and are no requests: counted, they would fail every canary.
            samples(family.calls, `adk_spans_calls_total{${spans},span_name="execute_tool search",status_code="STATUS_CODE_ERROR"}`, total);
        }
    }
    return [
        "# TYPE adk_agent_requests counter", ...family.requests,
        "# TYPE adk_agent_request_duration_seconds histogram", ...family.buckets,
        "# TYPE adk_spans_calls counter", ...family.calls,
        "# TYPE adk_spans_duration_seconds histogram", ...family.durations,
        "# EOF", "",
    ].join("\n");
}

function gate(projectDir: string, prometheus: string, agent: string, extra: string[] = [], stack = "e2e") {
    return spawnSync(process.execPath, [
        path.join(ROOT, "tools/launch.js"), "tools/canaryGate.ts",
        "--project-dir", projectDir, "--stack", stack, "--agent", agent, "--prometheus", prometheus, ...extra,
    ], { encoding: "utf8", cwd: ROOT });
}

describe("canary gate", () => {
    describe("decide", () => {
        const criteria = resolveMonitoring({}, { environment: "prod" }).canary;
        const healthy = { requests: 100, successRatio: 0.995, errorRatio: 0.005, p95Seconds: 0.3 };

        it("promotes a canary exactly on every limit, with the minimum sample", () => {
            assert.equal(decide(healthy, criteria).verdict, "promote");
        });

        it("waits below the minimum sample, whatever the figures", () => {
            assert.equal(decide({ ...healthy, requests: 99, errorRatio: 0.5 }, criteria).verdict, "wait");
            assert.equal(decide(undefined, criteria).verdict, "wait");
        });

        it("rolls back on any one criterion and names it", () => {
            for (const [change, failed] of [
                [{ successRatio: 0.994 }, "success 99.40%"],
                [{ errorRatio: 0.0051 }, "errors 0.51%"],
                [{ p95Seconds: 0.301 }, "p95 301 ms"],
                [{ p95Seconds: Number.NaN }, "p95 n/a"],
            ] as const) {
                const decision = decide({ ...healthy, ...change }, criteria);
                assert.equal(decision.verdict, "rollback");
                assert.deepEqual(decision.checks.filter((c) => c.startsWith("FAIL")).map((c) => c.split(" (")[0]), [`FAIL  ${failed}`]);
            }
        });
    });

    describe("against a real Prometheus", function () {
        let dir: string;
        let server: PrometheusServer | undefined;
        let url: string;

        before(async function () {
            server = await startPrometheus(openMetrics());
            url = server.url;
            dir = mkdtempSync(path.join(tmpdir(), "adk-canary-gate-"));

            copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            const stackFile = (monitoring: Record<string, unknown> | undefined) => stringify({
                config: {
                    "aws:region": "eu-west-1",
                    "adk-platform:cloud": "aws",
                    "adk-platform:environment": "prod",
                    "adk-platform:namespace": NAMESPACE,
                    "adk-platform:agents": Object.keys(AGENTS).map((name) => ({ name, image: `example.com/${name}:1.0.0`, canary: { tag: "1.1.0", weight: 10 } })),
                    ...(monitoring === undefined ? {} : { "adk-platform:monitoring": monitoring }),
                },
            });
            const lenient = { canary: { window: "10m", minSuccessRate: 95, maxErrorRate: 5, minRequests: 500 } };
            // Request metrics from spans is the default.
            writeFileSync(path.join(dir, "Pulumi.e2e.yaml"), stackFile(undefined));
            writeFileSync(path.join(dir, "Pulumi.lenient.yaml"), stackFile(lenient));
            writeFileSync(path.join(dir, "Pulumi.e2e-app.yaml"), stackFile({ requestMetrics: "app-metrics" }));
            writeFileSync(path.join(dir, "Pulumi.lenient-app.yaml"), stackFile({ ...lenient, requestMetrics: "app-metrics" }));
        });

        after(async () => {
            await server?.stop();
            if (dir) rmSync(dir, { recursive: true, force: true });
        });

        for (const [source, stacks] of [["spans", { main: "e2e", lenient: "lenient" }], ["app-metrics", { main: "e2e-app", lenient: "lenient-app" }]] as const) {
            it(`promotes a healthy canary and prints the figures it decided on (${source})`, () => {
                const result = gate(dir, url, "good-agent", ["--time", EVAL_TIME], stacks.main);
                assert.equal(result.status, EXIT.promote, result.stdout + result.stderr);
                assert.match(result.stdout, /stable\s+18000\s+100\.00%\s+0\.00%/);
                assert.match(result.stdout, /canary\s+1800\s+99\.90%\s+0\.10%\s+2\d\d ms/);
                assert.match(result.stdout, /PROMOTE/);
            });

            it(`promotes a canary whose only failures are the clients' 4xx, as stable's are (${source})`, () => {
                const result = gate(dir, url, "client-errors-agent", ["--time", EVAL_TIME], stacks.main);
                assert.equal(result.status, EXIT.promote, result.stdout + result.stderr);
                assert.match(result.stdout, /stable\s+18000\s+100\.00%\s+0\.00%/);
                assert.match(result.stdout, /PASS {2}success 100\.00%/);
            });

            it(`rolls back a canary that fails requests (${source})`, () => {
                const result = gate(dir, url, "bad-agent", ["--time", EVAL_TIME], stacks.main);
                assert.equal(result.status, EXIT.rollback, result.stdout + result.stderr);
                assert.match(result.stdout, /FAIL {2}success 97\.00%/);
                assert.match(result.stdout, /FAIL {2}errors 3\.00%/);
                assert.match(result.stdout, /PASS {2}p95/);
                assert.match(result.stdout, /ROLL BACK/);
            });

            it(`waits while the canary has served fewer requests than the minimum (${source})`, () => {
                const result = gate(dir, url, "quiet-agent", ["--time", EVAL_TIME], stacks.main);
                assert.equal(result.status, EXIT.wait, result.stdout + result.stderr);
                assert.match(result.stdout, /WAIT {2}requests 36 \(need at least 100\)/);
            });

            it(`decides by the stack's own criteria and window (${source})`, () => {
                // 3% errors pass a 5% limit; a 10-minute window holds 600 canary requests, over 500.
                const lenient = gate(dir, url, "bad-agent", ["--time", EVAL_TIME], stacks.lenient);
                assert.equal(lenient.status, EXIT.promote, lenient.stdout + lenient.stderr);
                assert.match(lenient.stdout, /window 10m/);
                assert.match(lenient.stdout, /canary\s+600\s/);
                // Five minutes in, the good agent's canary has served 300 requests, under that minimum.
                assert.equal(gate(dir, url, "good-agent", ["--time", String(START + 5 * 60)], stacks.lenient).status, EXIT.wait);
            });

            it(`waits when the window holds no canary traffic at all (${source})`, () => {
                const result = gate(dir, url, "good-agent", ["--time", String(START - 3600)], stacks.main);
                assert.equal(result.status, EXIT.wait, result.stdout + result.stderr);
            });
        }

        it("reads the source the stack chose: spans by default, the application metrics when set", () => {
            const spans = gate(dir, url, "traced-agent", ["--time", EVAL_TIME], "e2e");
            assert.equal(spans.status, EXIT.promote, spans.stdout + spans.stderr);
            assert.match(spans.stdout, /canary\s+1800\s+100\.00%/);
            assert.equal(gate(dir, url, "traced-agent", ["--time", EVAL_TIME], "e2e-app").status, EXIT.wait);
        });

        it("refuses an agent that the stack does not run as a canary", () => {
            const result = gate(dir, url, "missing-agent", ["--time", EVAL_TIME]);
            assert.equal(result.status, EXIT.error);
            assert.match(result.stderr, /no agent named "missing-agent"/);
        });

        it("reports an unreachable Prometheus instead of deciding", async () => {
            const result = gate(dir, `http://127.0.0.1:${await freePort()}`, "good-agent");
            assert.equal(result.status, EXIT.error);
            assert.match(result.stderr, /cannot reach Prometheus/);
        });
    });
});
