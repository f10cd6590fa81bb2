// The PromQL of the platform: metric names of the agent contract, and the expressions that the
// rules, the dashboards and the canary gate all build from, so that a panel shows exactly what an
// alert or the gate decides on.

export const REQUESTS = "adk_agent_requests_total";
export const DURATION_BUCKETS = "adk_agent_request_duration_seconds_bucket";
export const MCP_CALLS = "adk_agent_mcp_calls_total";
export const ACTIVE_CONVERSATIONS = "adk_agent_active_conversations";

/**
 * The one classification of responses that every rule, the canary gate and the dashboards use: a
 * 5xx is the agent's failure; anything else succeeds, 4xx included. A 4xx is the client's mistake
 * (a bad request, an unknown session), so a canary identical to stable shows the same 4xx share and
 * must not fail for it. RFC 9110 section 15.5: with a 4xx "the client seems to have erred"; the SRE
 * Workbook's example SLI (chapter 2) counts "any HTTP status other than 500–599" as successful.
 */
export const FIVE_XX = `status_code=~"5.."`;

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
 * Share of requests answered with 5xx. No 5xx series at all (none yet) counts as 0 rather than
 * leaving the ratio empty, which Sloth's expressions do.
 */
export function errorRatio(scope: string, by: string, window: string): string {
    const whole = sumRate(REQUESTS, selector(scope), by, window);
    return `(${sumRate(REQUESTS, selector(scope, FIVE_XX), by, window)} or ${whole} * 0)\n/\n${whole}`;
}

export function p95(scope: string, by: string, window: string): string {
    return `histogram_quantile(0.95, sum by (${by}, le) (rate(${DURATION_BUCKETS}${selector(scope)}[${window}])))`;
}

/**
 * The four canary figures over the evaluation window, by agent and track. Recording rules and
 * `npm run canary:gate` both use these, so the gate decides on exactly what the alert watches.
 */
export function canaryQueries(scope: string, by: string, window: string) {
    const errors = errorRatio(scope, by, window);
    return {
        requests: sumIncrease(REQUESTS, selector(scope), by, window),
        // Success is "not 5xx" (FIVE_XX), so it is the error ratio's complement by construction.
        successRatio: `1 - (\n${errors}\n)`,
        errorRatio: errors,
        p95Seconds: p95(scope, by, window),
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
