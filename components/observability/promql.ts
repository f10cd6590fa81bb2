// The PromQL of the platform: metric names of both request sources, and the expressions that the
// rules, the dashboards and the canary gate all build from, so that a panel shows exactly what an
// alert or the gate decides on.
import type { RequestMetrics } from "./config";

/**
 * Where the requests of an agent are counted: the series, the matchers that pick requests out of
 * them, and the one classification of failures that every rule, the canary gate and the dashboards
 * use. Labels are the same for both (`namespace`, `agent_id`, `track`, `version`, `le`): the
 * collector's ServiceMonitor renames the span dimensions to them (otelCollector.ts).
 */
export interface RequestSeries {
    requests: string;
    durationBuckets: string;
    /** Matchers that keep only requests (undefined: every series of the metric is one). */
    only?: string;
    /** Matchers that keep only failed requests. */
    failed: string;
    /** How alerts and dashboards speak of failures of this source. */
    words: { failures: string; failsOften: string; failed: string; succeeding: string; failing: string };
}

/**
 * The application metrics an instrumented agent exposes on `/metrics`. A 5xx is the agent's
 * failure; anything else succeeds, 4xx included. A 4xx is the client's mistake (a bad request, an
 * unknown session), so a canary identical to stable shows the same 4xx share and must not fail for
 * it. RFC 9110 section 15.5: with a 4xx "the client seems to have erred"; the SRE Workbook's example
 * SLI (chapter 2) counts "any HTTP status other than 500–599" as successful.
 */
export const APP_METRICS: RequestSeries = {
    requests: "adk_agent_requests_total",
    durationBuckets: "adk_agent_request_duration_seconds_bucket",
    failed: `status_code=~"5.."`,
    words: { failures: "5xx responses", failsOften: "answers more than 5% of requests with 5xx", failed: "failed with 5xx", succeeding: "answered without 5xx", failing: "answered 5xx" },
};

/**
 * The collector's spanmetrics connector, `namespace: adk.spans`, as its Prometheus exporter names
 * the series: `calls` is a monotonic sum, so `_total`; `duration` has unit `s`, so `_seconds`
 * (collector-contrib pkg/translator/prometheus normalize_name.go, `normalizeName`, on by default
 * through the beta gate `pkg.translator.prometheus.NormalizeName`). A request is ADK's
 * `invocation` span, the root span Runner.run_async opens once per run (google/adk-python
 * runners.py `_run_with_trace`); `invoke_agent <name>` repeats for every sub-agent of a run.
 * A run fails when its span ends with status ERROR (an exception inside the run: OpenTelemetry's
 * `start_as_current_span` sets the status on exceptions), which also counts the errors that
 * `/run_sse` streams inside an HTTP 200. The connector writes the status as `STATUS_CODE_ERROR`
 * (collector-contrib internal/coreinternal/traceutil `StatusCodeStr`).
 */
export const SPAN_METRICS: RequestSeries = {
    requests: "adk_spans_calls_total",
    durationBuckets: "adk_spans_duration_seconds_bucket",
    only: `span_name="invocation"`,
    failed: `status_code="STATUS_CODE_ERROR"`,
    words: { failures: "failed agent runs", failsOften: "fails more than 5% of its runs", failed: "failed (span status ERROR)", succeeding: "runs without error", failing: "failed runs" },
};

export function requestSeries(source: RequestMetrics): RequestSeries {
    return source === "spans" ? SPAN_METRICS : APP_METRICS;
}

export const MCP_CALLS = "adk_agent_mcp_calls_total";
export const ACTIVE_CONVERSATIONS = "adk_agent_active_conversations";
/** ADK's span around each tool call, MCP tools included: `execute_tool <tool name>`. */
export const TOOL_SPANS = `span_name=~"execute_tool .+"`;

/** Rounds away binary noise (1 - 0.999 = 0.0010000000000000009) before a number enters PromQL. */
export function num(value: number): string {
    return String(Number(value.toPrecision(12)));
}

export function selector(...matchers: (string | undefined)[]): string {
    return `{${matchers.filter((m) => m !== undefined && m !== "").join(", ")}}`;
}

/**
 * Matches a bucket bound whatever the client library printed: Go writes `1`, Python and
 * Prometheus 3 write `1.0`.
 */
export function leMatcher(seconds: number): string {
    const [whole, fraction] = num(seconds).split(".");
    return fraction === undefined ? `le=~"${whole}([.]0+)?"` : `le=~"${whole}[.]${fraction}0*"`;
}

export function sumRate(metric: string, matchers: string, by: string, window: string): string {
    return `sum by (${by}) (rate(${metric}${matchers}[${window}]))`;
}

export function sumIncrease(metric: string, matchers: string, by: string, window: string): string {
    return `sum by (${by}) (increase(${metric}${matchers}[${window}]))`;
}

/**
 * Share of failed requests. No failed series at all (none yet) counts as 0 rather than leaving the
 * ratio empty, which Sloth's expressions do.
 */
export function errorRatio(series: RequestSeries, scope: string, by: string, window: string): string {
    const whole = sumRate(series.requests, selector(scope, series.only), by, window);
    return `(${sumRate(series.requests, selector(scope, series.only, series.failed), by, window)} or ${whole} * 0)\n/\n${whole}`;
}

export function p95(series: RequestSeries, scope: string, by: string, window: string): string {
    return `histogram_quantile(0.95, sum by (${by}, le) (rate(${series.durationBuckets}${selector(scope, series.only)}[${window}])))`;
}

/**
 * The four canary figures over the evaluation window, by agent and track. Recording rules and
 * `npm run canary:gate` both use these, so the gate decides on exactly what the alert watches.
 */
export function canaryQueries(series: RequestSeries, scope: string, by: string, window: string) {
    const errors = errorRatio(series, scope, by, window);
    return {
        requests: sumIncrease(series.requests, selector(scope, series.only), by, window),
        // Success is "not failed", so it is the error ratio's complement by construction.
        successRatio: `1 - (\n${errors}\n)`,
        errorRatio: errors,
        p95Seconds: p95(series, scope, by, window),
    };
}

/** Names of the recorded canary series; the window is part of the name, as the convention wants. */
export function canaryRecords(window: string) {
    return {
        requests: `adk_canary:requests:increase${window}`,
        successRatio: `adk_canary:success:ratio_rate${window}`,
        errorRatio: `adk_canary:errors:ratio_rate${window}`,
        p95Seconds: `adk_canary:latency_seconds:p95_rate${window}`,
    };
}

export const SLI_ERROR_RATIO = "adk_slo:sli_error:ratio_rate";

/** The recorded error budget left over the SLO period, per SLO. */
export const ERROR_BUDGET_REMAINING = "adk_slo:error_budget_remaining:ratio";
