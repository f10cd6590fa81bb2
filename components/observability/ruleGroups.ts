// The Prometheus rules of the platform as plain data, built from the monitoring config: the
// PrometheusRule component ships them, `promtool` tests them (test/promtool/), and the canary gate
// runs the same canary queries (promql.ts). Metric and alert names are part of the agent contract
// (README, "What is scraped"): dashboards, runbooks and the gate refer to them.
import type { CanaryCriteria, MonitoringConfig } from "./config";
import { durationSeconds } from "./config";
import { CONTAINER_NAME } from "../agents/contract";
import { canaryQueries, canaryRecords, ERROR_BUDGET_REMAINING, errorRatio, leMatcher, MCP_CALLS, num, p95, RequestSeries, requestSeries, selector, SLI_ERROR_RATIO, sumIncrease, sumRate, TOOL_SPANS } from "./promql";
import { OTEL_COLLECTOR_NAME, SPAN_METRICS_PORT_NAME } from "./otelCollector";

export interface Rule {
    record?: string;
    alert?: string;
    expr: string;
    for?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

export interface RuleGroup {
    name: string;
    interval?: string;
    rules: Rule[];
}

/**
 * The SRE Workbook's multi-window multi-burn-rate table (chapter 5, "Alerting on SLOs"), as Sloth
 * encodes it: the share of the period's budget that a burn at the factor spends over the long
 * window. The factor follows from the period, so a 28-day SLO gets 13.44/5.6/2.8/0.93.
 * `for` is Pyrra's: it keeps one bad scrape from paging without delaying a real burn much.
 */
export const BURN_WINDOWS = [
    { long: "1h", short: "5m", budget: 0.02, severity: "critical", for: "2m" },
    { long: "6h", short: "30m", budget: 0.05, severity: "critical", for: "15m" },
    { long: "1d", short: "2h", budget: 0.1, severity: "warning", for: "1h" },
    { long: "3d", short: "6h", budget: 0.1, severity: "warning", for: "3h" },
] as const;

/** Windows of the recorded SLI error ratios: every window of the table, plus the SLO period. */
const SLI_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;

export type SloName = "availability" | "latency";

export interface RuleContext {
    /** Namespace of the agents: every rule is scoped to it, so two stacks can share a Prometheus. */
    namespace: string;
    /** Names of the stack's agents: a missing scrape target can only be noticed by name. */
    agents: string[];
    monitoring: MonitoringConfig;
}

/**
 * A paging alert kept only where the ratio it fires on counts at least `min` requests over its
 * window: on a handful of requests one failure is a ratio high enough to page (the SRE Workbook,
 * chapter 5, "Low-traffic services and error budget alerting"). ADKCanaryUnhealthy has its own
 * sample size, `canary.minRequests`.
 */
function withTraffic(alert: string, events: { metric: string; matchers: string }, by: string, window: string, min: number): string {
    return `${alert}\nand on (${by})\n${sumIncrease(events.metric, events.matchers, by, window)} >= ${min}`;
}

function annotations(runbookBaseUrl: string, alert: string, summary: string, description: string): Record<string, string> {
    return { summary, description, runbook_url: `${runbookBaseUrl}#runbook-${alert.toLowerCase()}` };
}

const SLO_BY = "namespace, agent_id";

/** The counter of the events an SLO counts: requests, or the latency histogram's count of them. */
function sloEvents(series: RequestSeries, slo: SloName, scope: string): { metric: string; matchers: string } {
    return slo === "availability"
        ? { metric: series.requests, matchers: selector(scope, series.only) }
        : { metric: series.durationBuckets, matchers: selector(scope, series.only, `le="+Inf"`) };
}

/** Errors and total events of one SLO over a window, as rates summed by agent. */
function sloRates(series: RequestSeries, slo: SloName, scope: string, window: string, thresholdSeconds: number) {
    const events = sloEvents(series, slo, scope);
    const total = sumRate(events.metric, events.matchers, SLO_BY, window);
    if (slo === "availability") return { errors: `${sumRate(series.requests, selector(scope, series.only, series.failed), SLO_BY, window)} or ${total} * 0`, total };
    // Bucket counts are cumulative: the slow requests are all of them minus those within the threshold.
    const fast = sumRate(series.durationBuckets, selector(scope, series.only, leMatcher(thresholdSeconds)), SLO_BY, window);
    return { errors: `${total}\n-\n${fast}`, total };
}

function sloGroups(ctx: RuleContext): RuleGroup[] {
    const { slo, runbookBaseUrl, alerts: { minRequests } } = ctx.monitoring;
    const series = requestSeries(ctx.monitoring.requestMetrics);
    const scope = `namespace="${ctx.namespace}"`;
    const period = `${slo.periodDays}d`;
    const objectives: Record<SloName, number> = { availability: slo.availability, latency: slo.latency };
    const slos = Object.keys(objectives) as SloName[];

    const sli: Rule[] = slos.flatMap((name) => {
        const labels = { slo: name };
        const base = sloRates(series, name, scope, "5m", slo.latencyThresholdSeconds);
        return [
            // Recorded rates let the period ratio sum 5-minute samples instead of scanning 30 days of raw series.
            { record: "adk_slo:errors:rate5m", expr: base.errors, labels },
            { record: "adk_slo:requests:rate5m", expr: base.total, labels },
            ...SLI_WINDOWS.map((window) => {
                const rates = sloRates(series, name, scope, window, slo.latencyThresholdSeconds);
                return { record: `${SLI_ERROR_RATIO}${window}`, expr: `(${rates.errors})\n/\n(${rates.total})`, labels };
            }),
        ];
    });

    // Weighted by requests (unlike Sloth's mean of 5m ratios), so a quiet night does not count as
    // much as a busy afternoon.
    const budget: Rule[] = slos.flatMap((name) => {
        const labels = { slo: name };
        const match = selector(scope, `slo="${name}"`);
        return [
            {
                record: `${SLI_ERROR_RATIO}${period}`,
                expr: `sum_over_time(adk_slo:errors:rate5m${match}[${period}])\n/\nsum_over_time(adk_slo:requests:rate5m${match}[${period}])`,
                labels,
            },
            {
                record: ERROR_BUDGET_REMAINING,
                expr: `1 - ${SLI_ERROR_RATIO}${period}${match} / ${num(1 - objectives[name])}`,
                labels,
            },
            { record: "adk_slo:objective:ratio", expr: `vector(${num(objectives[name])})`, labels: { ...labels, namespace: ctx.namespace } },
        ];
    });

    const periodHours = durationSeconds(period) / 3600;
    const alerts: Rule[] = slos.flatMap((name) => BURN_WINDOWS.map((w) => {
        const factor = num((w.budget * periodHours) / (durationSeconds(w.long) / 3600));
        const threshold = `(${factor} * ${num(1 - objectives[name])})`;
        const match = selector(scope, `slo="${name}"`);
        const what = name === "availability" ? series.words.failures : `requests slower than ${num(slo.latencyThresholdSeconds)}s`;
        const burning = `${SLI_ERROR_RATIO}${w.long}${match} > ${threshold}\nand\n${SLI_ERROR_RATIO}${w.short}${match} > ${threshold}`;
        return {
            alert: "ADKAgentErrorBudgetBurn",
            // Pages need traffic over the long window (one failed request in a quiet hour is a 100%
            // burn; Sloth and Pyrra page on it). Tickets stay unguarded: a quiet agent that keeps
            // failing still spends its budget, and a ticket wakes nobody.
            expr: w.severity === "critical" ? withTraffic(burning, sloEvents(series, name, scope), SLO_BY, w.long, minRequests) : burning,
            for: w.for,
            labels: { severity: w.severity, slo: name, long_window: w.long, short_window: w.short, burn_rate: factor },
            annotations: annotations(runbookBaseUrl, "ADKAgentErrorBudgetBurn",
                `Agent {{ $labels.agent_id }} burns its ${name} error budget ${factor}x too fast`,
                `${what} of agent {{ $labels.agent_id }} ({{ $labels.namespace }}) are {{ $value | humanizePercentage }} over ${w.long} and still above `
                + `${factor}x the budget over ${w.short}; at this pace ${Math.round(w.budget * 100)}% of the ${period} budget is gone in ${w.long}.`),
        };
    }));

    return [
        { name: "adk-slo-sli", rules: sli },
        { name: "adk-slo-budget", rules: budget },
        { name: "adk-slo-alerts", rules: alerts },
    ];
}

function canaryGroup(ctx: RuleContext): RuleGroup {
    const criteria: CanaryCriteria = ctx.monitoring.canary;
    const by = "namespace, agent_id, track";
    const series = requestSeries(ctx.monitoring.requestMetrics);
    const queries = canaryQueries(series, `namespace="${ctx.namespace}"`, by, criteria.window);
    const records = canaryRecords(criteria.window);
    const canary = selector(`namespace="${ctx.namespace}"`, `track="canary"`);
    const sample = `and on (${by})\n${records.requests}${canary} >= ${criteria.minRequests}`;
    const checks = [
        { criterion: "success_rate", expr: `${records.successRatio}${canary} < ${num(criteria.minSuccessRatio)}`, figure: series.words.succeeding, show: "humanizePercentage", limit: `at least ${num(criteria.minSuccessRatio * 100)}%` },
        { criterion: "error_rate", expr: `${records.errorRatio}${canary} > ${num(criteria.maxErrorRatio)}`, figure: series.words.failing, show: "humanizePercentage", limit: `at most ${num(criteria.maxErrorRatio * 100)}%` },
        { criterion: "latency_p95", expr: `${records.p95Seconds}${canary} > ${num(criteria.maxP95Seconds)}`, figure: "p95 latency", show: "humanizeDuration", limit: `at most ${num(criteria.maxP95Seconds * 1000)} ms` },
    ];
    return {
        name: "adk-canary",
        rules: [
            ...(Object.keys(queries) as (keyof typeof queries)[]).map((key) => ({ record: records[key], expr: queries[key] })),
            ...checks.map((check) => ({
                alert: "ADKCanaryUnhealthy",
                expr: `${check.expr}\n${sample}`,
                labels: { severity: "critical", criterion: check.criterion },
                annotations: annotations(ctx.monitoring.runbookBaseUrl, "ADKCanaryUnhealthy",
                    `Canary of agent {{ $labels.agent_id }} misses its ${check.criterion} criterion`,
                    `Over the last ${criteria.window} the canary of {{ $labels.agent_id }} ({{ $labels.namespace }}) shows ${check.figure} {{ $value | ${check.show} }}; `
                    + `promotion needs ${check.limit}. Roll it back (canary weight 0) unless the stable track shows the same.`),
            })),
        ],
    };
}

/**
 * Tool and MCP failures. The application metrics count MCP calls by server. ADK's spans do not say
 * which tools are MCP tools, but every tool call, MCP tools included (McpTool is an ADK tool), runs
 * in an `execute_tool <tool>` span, so from spans the alert watches every tool, by tool name.
 */
function toolFailures(ctx: RuleContext, scope: string): Rule {
    const url = ctx.monitoring.runbookBaseUrl;
    if (ctx.monitoring.requestMetrics === "app-metrics") {
        return {
            alert: "ADKAgentMCPCallFailures",
            expr: `sum by (namespace, agent_id, mcp_server) (rate(${MCP_CALLS}${selector(scope, `status="error"`)}[5m])) > 0.1`,
            for: "3m",
            labels: { severity: "warning" },
            annotations: annotations(url, "ADKAgentMCPCallFailures",
                "Agent {{ $labels.agent_id }} fails MCP calls to {{ $labels.mcp_server }}",
                "Calls from {{ $labels.agent_id }} to MCP server {{ $labels.mcp_server }} fail at {{ $value | printf \"%.2f\" }} per second (limit 0.1/s)."),
        };
    }
    const series = requestSeries("spans");
    const failed = `rate(${series.requests}${selector(scope, TOOL_SPANS, series.failed)}[5m])`;
    return {
        alert: "ADKAgentMCPCallFailures",
        expr: `sum by (namespace, agent_id, tool) (label_replace(${failed}, "tool", "$1", "span_name", "execute_tool (.+)")) > 0.1`,
        for: "3m",
        labels: { severity: "warning" },
        annotations: annotations(url, "ADKAgentMCPCallFailures",
            "Agent {{ $labels.agent_id }} fails calls to tool {{ $labels.tool }}",
            "Calls from {{ $labels.agent_id }} to tool {{ $labels.tool }} (an MCP server's tool or its own) fail at {{ $value | printf \"%.2f\" }} per second (limit 0.1/s)."),
    };
}

/**
 * Without this, metrics that Prometheus never scrapes (wrong `release` label, no ServiceMonitor
 * CRD) silence every other alert: no series, no alert. With app metrics each agent is a target of
 * its own; with spans one target holds every agent's requests: the collector's span metrics port
 * (the Prometheus Operator names the job after the Service and sets `endpoint` to the port's name:
 * prometheus-operator pkg/prometheus/promcfg.go, the ServiceMonitor scrape config).
 */
function notScraped(ctx: RuleContext, scope: string): Rule[] {
    const url = ctx.monitoring.runbookBaseUrl;
    if (ctx.monitoring.requestMetrics === "spans") {
        return [{
            alert: "ADKAgentNotScraped",
            expr: `absent(up${selector(scope, `job="${OTEL_COLLECTOR_NAME}"`, `endpoint="${SPAN_METRICS_PORT_NAME}"`)})`,
            for: "15m",
            labels: { severity: "warning" },
            annotations: annotations(url, "ADKAgentNotScraped",
                "Prometheus has no scrape target for the agents' span metrics",
                `No \`up\` series for the ${SPAN_METRICS_PORT_NAME} port of ${OTEL_COLLECTOR_NAME} in ${ctx.namespace} for 15 minutes: its ServiceMonitor is not selected (release label), or the collector is down. Every agent's alerts, SLOs and canary gate are blind.`),
        }];
    }
    return ctx.agents.map((agent) => ({
        alert: "ADKAgentNotScraped",
        expr: `absent(up${selector(scope, `job="${agent}"`)})`,
        for: "15m",
        labels: { severity: "warning", agent_id: agent },
        annotations: annotations(url, "ADKAgentNotScraped",
            `Prometheus has no scrape target for agent ${agent}`,
            `No \`up\` series for job ${agent} in ${ctx.namespace} for 15 minutes: its ServiceMonitor is not selected (release label), or the agent's Service has no endpoints. Its alerts and SLOs are blind.`),
    }));
}

function agentAlertGroup(ctx: RuleContext): RuleGroup {
    const scope = `namespace="${ctx.namespace}"`;
    const url = ctx.monitoring.runbookBaseUrl;
    const series = requestSeries(ctx.monitoring.requestMetrics);
    const byTrack = "namespace, agent_id, track";
    const container = "namespace, pod, container";
    return {
        name: "adk-agent-alerts",
        rules: [
            {
                alert: "ADKAgentHighErrorRate",
                expr: withTraffic(`(\n${errorRatio(series, scope, byTrack, "5m")}\n) > 0.05`, { metric: series.requests, matchers: selector(scope, series.only) }, byTrack, "5m", ctx.monitoring.alerts.minRequests),
                for: "2m",
                labels: { severity: "critical" },
                annotations: annotations(url, "ADKAgentHighErrorRate",
                    `Agent {{ $labels.agent_id }} ({{ $labels.track }}) ${series.words.failsOften}`,
                    `{{ $value | humanizePercentage }} of the requests to {{ $labels.agent_id }}, track {{ $labels.track }}, in {{ $labels.namespace }} ${series.words.failed} over the last 5 minutes.`),
            },
            {
                alert: "ADKAgentHighLatency",
                expr: `${p95(series, scope, byTrack, "5m")} > 2`,
                for: "5m",
                labels: { severity: "warning" },
                annotations: annotations(url, "ADKAgentHighLatency",
                    "Agent {{ $labels.agent_id }} ({{ $labels.track }}) p95 latency is above 2s",
                    "95% of the requests to {{ $labels.agent_id }}, track {{ $labels.track }}, finish within {{ $value | humanizeDuration }}; the limit is 2s."),
            },
            toolFailures(ctx, scope),
            ...notScraped(ctx, scope),
            {
                // delta, not increase: the working set is a gauge.
                alert: "ADKAgentMemoryLeak",
                expr: `max by (${container}) (delta(container_memory_working_set_bytes${selector(scope, `container="${CONTAINER_NAME}"`)}[30m])) > 104857600`,
                for: "10m",
                labels: { severity: "warning" },
                annotations: annotations(url, "ADKAgentMemoryLeak",
                    "Memory of {{ $labels.pod }} keeps growing",
                    "The working set of container {{ $labels.container }} in {{ $labels.namespace }}/{{ $labels.pod }} grew by {{ $value | humanize1024 }}B in 30 minutes."),
            },
            {
                alert: "ADKContainerCPUThrottling",
                expr: `sum by (${container}) (increase(container_cpu_cfs_throttled_periods_total${selector(scope, `container!=""`)}[5m]))\n/\n`
                    + `sum by (${container}) (increase(container_cpu_cfs_periods_total${selector(scope, `container!=""`)}[5m]))\n> 0.25`,
                for: "10m",
                labels: { severity: "warning" },
                annotations: annotations(url, "ADKContainerCPUThrottling",
                    "Container {{ $labels.container }} of {{ $labels.pod }} is CPU-throttled",
                    "{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} was throttled in {{ $value | humanizePercentage }} of its CFS periods over 5 minutes."),
            },
        ],
    };
}

/** Every rule group of a stack, in evaluation order. */
export function ruleGroups(ctx: RuleContext): RuleGroup[] {
    return [agentAlertGroup(ctx), ...sloGroups(ctx), canaryGroup(ctx)];
}
