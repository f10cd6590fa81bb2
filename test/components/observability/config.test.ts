// `adk-platform:monitoring`: defaults per environment and one message per bad key.
import assert from "node:assert/strict";
import { resolveMonitoring } from "../../../components/observability/config";
import { awsStack, problemsOf } from "../../fixtures";

const problems = (monitoring: unknown) => problemsOf(awsStack({ monitoring }));

describe("monitoring config", () => {
    it("defaults to the documented objectives and canary criteria, as ratios", () => {
        const prod = resolveMonitoring({}, { environment: "prod" });
        assert.deepEqual(prod.slo, { periodDays: 30, availability: 0.999, latency: 0.95, latencyThresholdSeconds: 0.5 });
        assert.deepEqual(prod.canary, { window: "30m", minSuccessRatio: 0.995, maxErrorRatio: 0.005, maxP95Seconds: 0.3, minRequests: 100 });
        assert.deepEqual(prod.alerts, { minRequests: 20 });
        assert.deepEqual(resolveMonitoring({ alerts: { minRequests: 50 } }, { environment: "prod" }).alerts, { minRequests: 50 });
        assert.equal(prod.tracing.samplingRatio, 0.1);
        assert.equal(prod.logging.level, "INFO");
        assert.equal(resolveMonitoring({}, { environment: "dev" }).tracing.samplingRatio, 1);
        assert.equal(resolveMonitoring({ prometheusNamespace: "observability" }, { environment: "dev" }).dashboards.namespace, "observability");
        assert.equal(prod.requestMetrics, "spans");
        assert.equal(prod.tracing.captureMessageContent, false);
    });

    it("reports every bad key at once, naming it and repeating the value", async () => {
        const found = await problems({
            slo: { availability: 100, latencyThresholdMs: 300 },
            canary: { window: "90s", maxErrorRate: 120 },
            alerts: { minRequests: 0 },
            tracing: { backend: "zipkin", samplingRatio: 2 },
            release: "Kube Prometheus",
            requestMetrics: "prometheus",
            dashbaords: {},
        });
        for (const line of [
            "adk-platform:monitoring.slo.availability: must be between 50 and 100 (exclusive), got 100",
            "adk-platform:monitoring.slo.latencyThresholdMs: must be a bucket bound of the request duration histograms (100, 250, 500, 1000, 2500, 5000, 10000 ms), got 300",
            `adk-platform:monitoring.requestMetrics: must be one of spans, app-metrics, got "prometheus"`,
            `adk-platform:monitoring.canary.window: must be a duration in minutes, hours or days such as 30m, 1h or 3d, got "90s"`,
            "adk-platform:monitoring.canary.maxErrorRate: must be between 0 and 100, got 120",
            "adk-platform:monitoring.alerts.minRequests: must be between 1 and 10000000, got 0",
            `adk-platform:monitoring.tracing.backend: must be one of jaeger, tempo, cloud, got "zipkin"`,
            "adk-platform:monitoring.tracing.samplingRatio: must be between 0 and 1, got 2",
            `adk-platform:monitoring.release: must be a DNS label (lowercase letters, digits and '-', starting with a letter), got "Kube Prometheus"`,
            `adk-platform:monitoring.dashbaords: unknown key (did you mean "dashboards"?)`,
        ]) assert.ok(found.includes(line), `missing: ${line}\nin:\n${found.join("\n")}`);
    });

    it("refuses an endpoint for the cloud backend", async () => {
        const found = await problems({ tracing: { backend: "cloud", endpoint: "tempo:4317" } });
        assert.deepEqual(found, [`adk-platform:monitoring.tracing.endpoint: applies to the jaeger and tempo backends only; backend "cloud" exports to the cloud's trace service, got "tempo:4317"`]);
    });

    it("refuses tracing off while the request metrics come from spans, naming both keys", async () => {
        assert.deepEqual(await problems({ tracing: { enabled: false } }), [
            "adk-platform:monitoring.tracing.enabled: false turns off the agents' spans, which the request metrics come from (adk-platform:monitoring.requestMetrics: spans, the default): "
            + "alerts, SLOs and the canary gate would have no data. Keep tracing on, or set adk-platform:monitoring.requestMetrics to app-metrics for agents that expose /metrics",
        ]);
        assert.equal((await problems({ requestMetrics: "spans", tracing: { enabled: false } })).length, 1);
        assert.deepEqual(await problems({ requestMetrics: "app-metrics", tracing: { enabled: false } }), []);
    });
});
