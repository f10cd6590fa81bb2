// `adk-platform:monitoring`: scraping, rules, dashboards, tracing and logging.
import { z } from "zod";
import type { CheckContext, ConfigContext, Environment } from "../../config/presets";

import { dnsLabel as dnsLabelOf, flag, intBetween, numberBetween, pinnedImage } from "../../config/primitives";
import type { Problem } from "../../config/errors";
import type { Classification } from "../namespace/config";

const dnsLabel = dnsLabelOf(63);

/** The agents' request-duration histogram buckets (README, "What is scraped"), in seconds. */
export const LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * Buckets of the duration histogram the collector derives from the agents' spans, in seconds:
 * every bound of LATENCY_BUCKETS, so that any latency SLO threshold is a bound of both sources, plus
 * 2 s (ADKAgentHighLatency's limit) and the minutes an agent run with tools can take.
 */
export const SPAN_DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10, 30, 60, 120, 300] as const;

/**
 * Where request rate, errors and duration come from: `spans`, the series the collector derives from
 * ADK's own spans (ADK exposes no Prometheus metrics), or `app-metrics`, the `adk_agent_*` series of
 * agents instrumented to expose them on `/metrics`.
 */
export const REQUEST_METRICS = ["spans", "app-metrics"] as const;
const requestMetricsSchema = z.enum(REQUEST_METRICS, { error: (issue) => `must be one of ${REQUEST_METRICS.join(", ")}, got ${JSON.stringify(issue.input)}` });
export type RequestMetrics = z.output<typeof requestMetricsSchema>;

/**
 * Prompts and responses are user data, and spans leave the namespace for a trace backend with its
 * own readers and retention: only stacks whose data may be read there may put them into spans.
 */
const MESSAGE_CAPTURE_CLASSIFICATIONS: readonly Classification[] = ["public", "internal"];

export const TRACE_BACKENDS = ["jaeger", "tempo", "cloud"] as const;
export type TraceBackend = (typeof TRACE_BACKENDS)[number];

export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR"] as const;

const DURATION = /^([1-9]\d*)([mhd])$/;
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400 };

/** Seconds of a Prometheus duration such as 30m, 6h or 3d. */
export function durationSeconds(text: string): number {
    const [, amount, unit] = DURATION.exec(text)!;
    return Number(amount) * UNIT_SECONDS[unit];
}

const duration = z.string().regex(DURATION, {
    error: (issue) => `must be a duration in minutes, hours or days such as 30m, 1h or 3d, got ${JSON.stringify(issue.input)}`,
}).refine((text) => !DURATION.test(text) || (durationSeconds(text) >= 300 && durationSeconds(text) <= 86400), {
    error: (issue) => `must be between 5m and 1d, got ${JSON.stringify(issue.input)}`,
});

const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, { error: (issue) => `must be an http(s) URL, got ${JSON.stringify(issue.input)}` });
/** host:port of an OTLP gRPC receiver. */
const hostPort = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:\d{1,5}$/, {
    error: (issue) => `must be host:port of an OTLP gRPC endpoint such as tempo-distributor.observability:4317, got ${JSON.stringify(issue.input)}`,
});
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_./-]*$/, { error: (issue) => `is not a valid Kubernetes label key, got ${JSON.stringify(issue.input)}` });

export const monitoringSchema = z.strictObject({
    /** Namespace of Prometheus (kube-prometheus-stack); the security work allows scrapes from it. */
    prometheusNamespace: dnsLabel.optional(),
    /** Value of the `release` label that kube-prometheus-stack selects ServiceMonitors and rules by. */
    release: dnsLabel.optional(),
    scrapeInterval: z.string().regex(/^[1-9]\d*s$/, { error: (issue) => `must be a whole number of seconds such as 30s, got ${JSON.stringify(issue.input)}` }).optional(),
    runbookBaseUrl: httpUrl.optional(),
    requestMetrics: requestMetricsSchema.optional(),
    slo: z.strictObject({
        periodDays: z.union([z.literal(28), z.literal(30)], { error: (issue) => `must be 28 or 30 (the SRE Workbook window tables), got ${JSON.stringify(issue.input)}` }).optional(),
        /** Percentage of requests that do not fail (promql.ts, RequestSeries: a 5xx, or a run whose span ends in ERROR). */
        availability: numberBetween(50, 100, { exclusiveHigh: true }).optional(),
        /** Percentage of requests faster than `latencyThresholdMs`. */
        latency: numberBetween(50, 100, { exclusiveHigh: true }).optional(),
        latencyThresholdMs: z.preprocess(
            (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
            z.number().refine((ms) => LATENCY_BUCKETS.includes((ms / 1000) as never), {
                error: (issue) => `must be a bucket bound of the request duration histograms (${LATENCY_BUCKETS.map((b) => b * 1000).join(", ")} ms), got ${String(issue.input)}`,
            }),
        ).optional(),
    }).optional(),
    alerts: z.strictObject({
        /** Requests a paging ratio must rest on over its window; fewer page nobody. */
        minRequests: intBetween(1, 10000000).optional(),
    }).optional(),
    canary: z.strictObject({
        window: duration.optional(),
        /** Percentage of requests that do not fail (as slo.availability counts them), so 100 - maxErrorRate in effect. */
        minSuccessRate: numberBetween(0, 100).optional(),
        maxErrorRate: numberBetween(0, 100).optional(),
        maxP95Ms: intBetween(1, 60000).optional(),
        minRequests: intBetween(1, 10000000).optional(),
    }).optional(),
    dashboards: z.strictObject({
        enabled: flag.optional(),
        /** Namespace the Grafana sidecar watches; defaults to the Prometheus namespace. */
        namespace: dnsLabel.optional(),
        label: labelName.optional(),
        folder: z.string().min(1).optional(),
    }).optional(),
    tracing: z.strictObject({
        enabled: flag.optional(),
        /** Share of ordinary traces kept; errors and slow traces are always kept. */
        samplingRatio: numberBetween(0, 1).optional(),
        /** Traces slower than this are always kept. */
        slowTraceMs: intBetween(1, 600000).optional(),
        backend: z.enum(TRACE_BACKENDS, { error: (issue) => `must be one of ${TRACE_BACKENDS.join(", ")}, got ${JSON.stringify(issue.input)}` }).optional(),
        /** OTLP gRPC endpoint of Jaeger or Tempo. */
        endpoint: hostPort.optional(),
        insecure: flag.optional(),
        collectorImage: pinnedImage.optional(),
        /** Prompts and responses in span attributes (ADK_CAPTURE_MESSAGE_CONTENT_IN_SPANS). */
        captureMessageContent: flag.optional(),
    }).optional(),
    logging: z.strictObject({
        level: z.enum(LOG_LEVELS, { error: (issue) => `must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(issue.input)}` }).optional(),
        /** Ship container logs to the cloud's log service. */
        ship: flag.optional(),
        fluentBitImage: pinnedImage.optional(),
    }).optional(),
}).default({});

export type RawMonitoring = z.infer<typeof monitoringSchema>;

export interface SloObjectives {
    periodDays: 28 | 30;
    /** Ratios, not percentages: 0.999. */
    availability: number;
    latency: number;
    latencyThresholdSeconds: number;
}

export interface CanaryCriteria {
    /** Evaluation window as a Prometheus duration. */
    window: string;
    /** Ratios, not percentages. */
    minSuccessRatio: number;
    maxErrorRatio: number;
    maxP95Seconds: number;
    minRequests: number;
}

export interface AlertSettings {
    /**
     * Requests that a paging (critical) ratio alert must count over its window: the 5 minutes of
     * ADKAgentHighErrorRate, the long window of the paging burn rates.
     */
    minRequests: number;
}

export interface TracingConfig {
    enabled: boolean;
    samplingRatio: number;
    slowTraceSeconds: number;
    backend: TraceBackend;
    /** OTLP gRPC endpoint for jaeger and tempo; undefined for the cloud's own trace service. */
    endpoint?: string;
    insecure: boolean;
    collectorImage: string;
    captureMessageContent: boolean;
}

export interface MonitoringConfig {
    prometheusNamespace: string;
    release: string;
    scrapeInterval: string;
    runbookBaseUrl: string;
    requestMetrics: RequestMetrics;
    slo: SloObjectives;
    alerts: AlertSettings;
    canary: CanaryCriteria;
    dashboards: { enabled: boolean; namespace: string; label: string; folder: string };
    tracing: TracingConfig;
    logging: { level: (typeof LOG_LEVELS)[number]; ship: boolean; fluentBitImage: string };
}

const BACKEND_ENDPOINTS: Record<Exclude<TraceBackend, "cloud">, string> = {
    jaeger: "jaeger-collector.observability:4317",
    tempo: "tempo-distributor.observability:4317",
};

// Pinned, so that a rollout never changes the collector or the log shipper behind our back.
export const COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib:0.115.1";
export const FLUENT_BIT_IMAGE = "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4";

const percent = (value: number) => Math.round(value * 1e6) / 1e8;

export function resolveMonitoring(raw: RawMonitoring, { environment }: Pick<ConfigContext, "environment">): MonitoringConfig {
    const prometheusNamespace = raw.prometheusNamespace ?? "monitoring";
    const backend = raw.tracing?.backend ?? "jaeger";
    return {
        prometheusNamespace,
        release: raw.release ?? "kube-prometheus-stack",
        scrapeInterval: raw.scrapeInterval ?? "30s",
        runbookBaseUrl: raw.runbookBaseUrl ?? "https://github.com/adk-platform/adk-platform/blob/main/README.md",
        // ADK as it ships emits spans and no Prometheus metrics: spans work for every agent.
        requestMetrics: raw.requestMetrics ?? "spans",
        slo: {
            periodDays: raw.slo?.periodDays ?? 30,
            availability: percent(raw.slo?.availability ?? 99.9),
            latency: percent(raw.slo?.latency ?? 95),
            latencyThresholdSeconds: (raw.slo?.latencyThresholdMs ?? 500) / 1000,
        },
        alerts: {
            // 20 requests in 5 minutes (4 a minute): one failure is then 5%, not above the 5% page
            // limit, so a page needs at least two failed requests; at 9 requests a single failure
            // reads as 11% and pages on noise. The SRE Workbook (chapter 5, "Low-traffic services
            // and error budget alerting") warns that ratio alerts on little traffic page on single
            // failures; an agent this quiet is watched by the tickets (warning burn rates) instead.
            minRequests: raw.alerts?.minRequests ?? 20,
        },
        canary: {
            window: raw.canary?.window ?? "30m",
            minSuccessRatio: percent(raw.canary?.minSuccessRate ?? 99.5),
            maxErrorRatio: percent(raw.canary?.maxErrorRate ?? 0.5),
            maxP95Seconds: (raw.canary?.maxP95Ms ?? 300) / 1000,
            minRequests: raw.canary?.minRequests ?? 100,
        },
        dashboards: {
            enabled: raw.dashboards?.enabled ?? true,
            namespace: raw.dashboards?.namespace ?? prometheusNamespace,
            label: raw.dashboards?.label ?? "grafana_dashboard",
            folder: raw.dashboards?.folder ?? "ADK agents",
        },
        tracing: {
            enabled: raw.tracing?.enabled ?? true,
            // Development keeps every trace: traffic is low and a missing trace costs more than storage.
            samplingRatio: raw.tracing?.samplingRatio ?? (environment === "dev" ? 1 : 0.1),
            slowTraceSeconds: (raw.tracing?.slowTraceMs ?? 2000) / 1000,
            backend,
            endpoint: backend === "cloud" ? undefined : raw.tracing?.endpoint ?? BACKEND_ENDPOINTS[backend],
            insecure: raw.tracing?.insecure ?? true,
            collectorImage: raw.tracing?.collectorImage ?? COLLECTOR_IMAGE,
            captureMessageContent: raw.tracing?.captureMessageContent ?? false,
        },
        logging: {
            level: raw.logging?.level ?? (environment === "dev" ? "DEBUG" : "INFO"),
            ship: raw.logging?.ship ?? shipsByDefault(environment),
            fluentBitImage: raw.logging?.fluentBitImage ?? FLUENT_BIT_IMAGE,
        },
    };
}

/** Development logs stay in the cluster; staging and prod keep them in the cloud for their retention. */
function shipsByDefault(environment: Environment): boolean {
    return environment !== "dev";
}

/** Checks of `monitoring` against the cloud and the identity it needs there; paths from the project. */
export function checkMonitoring(raw: RawMonitoring, { environment, cloud }: CheckContext, oidcProviderArn: string | undefined): Problem[] {
    const problems: Problem[] = [];
    const tracing = raw.tracing ?? {};
    // Turning tracing off sets OTEL_SDK_DISABLED in the agents: no span, so no request metric, and
    // every alert, SLO and the canary gate would read nothing without a word. Keeping the SDK on for
    // metrics alone would contradict the key, so the stack has to choose.
    if (tracing.enabled === false && (raw.requestMetrics ?? "spans") === "spans") {
        problems.push({ path: ["monitoring", "tracing", "enabled"], message: `false turns off the agents' spans, which the request metrics come from${raw.requestMetrics === undefined ? " (adk-platform:monitoring.requestMetrics: spans, the default)" : ""}: alerts, SLOs and the canary gate would have no data. Keep tracing on, or set adk-platform:monitoring.requestMetrics to app-metrics for agents that expose /metrics` });
    }
    if (tracing.backend === "cloud" && tracing.endpoint !== undefined) {
        problems.push({ path: ["monitoring", "tracing", "endpoint"], message: `applies to the jaeger and tempo backends only; backend "cloud" exports to the cloud's trace service, got ${JSON.stringify(tracing.endpoint)}` });
    }
    if (cloud === "aws" && oidcProviderArn === undefined) {
        const irsa = "set adk-platform:security.aws.oidcProviderArn (the EKS cluster's IAM OIDC provider, for IRSA)";
        const ships = raw.logging?.ship ?? (environment !== undefined && shipsByDefault(environment));
        if (ships) problems.push({ path: ["monitoring", "logging", "ship"], message: `ships logs to CloudWatch with an IRSA role${raw.logging?.ship === undefined ? ` (on by default in ${environment})` : ""}: ${irsa}, or set it to false` });
        if ((tracing.enabled ?? true) && tracing.backend === "cloud") problems.push({ path: ["monitoring", "tracing", "backend"], message: `"cloud" sends traces to X-Ray with an IRSA role: ${irsa}, or use jaeger or tempo` });
    }
    return problems;
}

/** ADK captures message content unless this variable reads false or 0 (google/adk-python telemetry/tracing.py). */
export const MESSAGE_CAPTURE_ENV = "ADK_CAPTURE_MESSAGE_CONTENT_IN_SPANS";
const captures = (value: string) => !["false", "0"].includes(value.trim().toLowerCase());

/**
 * Prompts and responses in spans, through `monitoring.tracing.captureMessageContent` or an agent's
 * own `env`, only where the stack's data classification allows them (MESSAGE_CAPTURE_CLASSIFICATIONS).
 */
export function checkMessageCapture(raw: RawMonitoring, classification: Classification | undefined, agents: [number, { env: Record<string, string> }][]): Problem[] {
    if (classification === undefined || MESSAGE_CAPTURE_CLASSIFICATIONS.includes(classification)) return [];
    const why = `puts prompts and responses into spans, which leave the namespace for the trace backend; refused for ${classification} data `
        + `(adk-platform:security.dataClassification${classification === "confidential" ? ", confidential by default" : ""}), allowed for ${MESSAGE_CAPTURE_CLASSIFICATIONS.join(" and ")} data only`;
    return [
        ...(raw.tracing?.captureMessageContent === true ? [{ path: ["monitoring", "tracing", "captureMessageContent"], message: why }] : []),
        ...agents.filter(([, agent]) => MESSAGE_CAPTURE_ENV in agent.env && captures(agent.env[MESSAGE_CAPTURE_ENV]))
            .map(([i, agent]) => ({ path: ["agents", i, "env", MESSAGE_CAPTURE_ENV], message: `${JSON.stringify(agent.env[MESSAGE_CAPTURE_ENV])} ${why}` })),
    ];
}
