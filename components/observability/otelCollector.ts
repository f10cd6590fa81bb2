// The OpenTelemetry Collector the agents send traces to: OTLP in (gRPC 4317, HTTP 4318),
// memory_limiter, tail sampling that keeps every error and every slow trace on top of a share of
// the rest, batch, and OTLP out to Jaeger or Tempo (or the cloud's exporter). With request metrics
// from spans (the default) it also counts every span, before sampling drops any, into rate, error
// and duration series for Prometheus. It runs in the agents' namespace under the restricted Pod
// Security Standard, hardened like the agents.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { restrictedContainer, restrictedPod } from "../kubernetes/hardening";
import { appLabels, PLATFORM_LABELS } from "../kubernetes/labels";
import { RequestMetrics, SPAN_DURATION_BUCKETS, TracingConfig } from "./config";

export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
const HEALTH_PORT = 13133;
/** The collector's own metrics, which Prometheus scrapes. */
export const METRICS_PORT = 8888;
const RUN_AS = 10001;
/** The Prometheus exporter of the span metrics; Prometheus scrapes it through the collector's ServiceMonitor. */
export const SPAN_METRICS_PORT = 8889;
/** A Service port name is an IANA service name: at most 15 characters. */
export const SPAN_METRICS_PORT_NAME = "span-metrics";
/** The resource attribute that carries an agent's track (trackTelemetryEnv). */
export const TRACK_ATTRIBUTE = "adk.track";
/** Name of the collector's Service and ServiceAccount (the cloud identity binds to it). */
export const OTEL_COLLECTOR_NAME = "otel-collector";

/**
 * OTLP/HTTP base URL of the collector in a namespace, for the agents' SDKs (Python exports
 * http/protobuf by default). Known from the names alone, so the agents need not wait for the collector.
 */
export function collectorEndpoint(namespace: string): string {
    return `http://${OTEL_COLLECTOR_NAME}.${namespace}.svc:${OTLP_HTTP_PORT}`;
}

/** An exporter of the collector's contrib distribution, named as in its `exporters:` block. */
export interface TraceExporter {
    name: string;
    config: Record<string, unknown>;
}

export interface OtelCollectorArgs {
    namespace: string;
    tracing: TracingConfig;
    /** With `spans`, the collector derives the request metrics from the spans and Prometheus scrapes them. */
    requestMetrics: RequestMetrics;
    /** The exporter for `backend: cloud` (components/platform/); Jaeger and Tempo take OTLP. */
    cloudExporter?: TraceExporter;
    /** Annotations for the ServiceAccount, e.g. the cloud identity the cloud exporter needs. */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** Prometheus scrapes the collector's own metrics (accepted, refused, dropped spans) with these settings. */
    scrape: { release: string; interval: string };
    labels?: Record<string, string>;
}

/**
 * The spanmetrics connector (collector-contrib connector/spanmetricsconnector, config.go and
 * connector.go): a `calls` sum and a `duration` histogram per service.name, span.name, span.kind,
 * status.code and the `dimensions`, each looked up in the span's attributes, then its resource's.
 * `namespace` prefixes both names (`adk.spans.calls`), so no other connector's series can clash;
 * `unit: s` makes the histogram seconds, as Prometheus wants, where the default is ms. The
 * buckets hold every latency SLO threshold the config accepts. Counters are kept per resource,
 * and a resource is every attribute of it: `resource_metrics_key_attributes` keys them on the
 * attributes the series carry, so that a pod's own attributes (process id, instance id) cannot
 * split or reset a counter (upstream README; issue open-telemetry/opentelemetry-collector-contrib#30440).
 */
function spanMetricsConnector(): Record<string, unknown> {
    return {
        namespace: "adk.spans",
        histogram: { unit: "s", explicit: { buckets: SPAN_DURATION_BUCKETS.map((seconds) => `${Math.round(seconds * 1000)}ms`) } },
        dimensions: [{ name: TRACK_ATTRIBUTE }, { name: "service.version" }],
        resource_metrics_key_attributes: ["service.name", "service.version", TRACK_ATTRIBUTE],
        // Fresher than the 30 s scrape interval.
        metrics_flush_interval: "15s",
    };
}

/**
 * How the exporter's label names (dots to underscores: collector-contrib pkg/translator/prometheus
 * normalize_label.go) become the platform's: the same `agent_id`, `track` and `version` as the
 * application metrics, so that rules, dashboards and the canary gate read both sources alike.
 * Prometheus applies these after the scrape; `honorLabels` stays false, so the exporter's own
 * `job` and `instance` (from service.name and service.instance.id) read `exported_job` and
 * `exported_instance`, and `namespace` is the collector's, which is the agents'.
 */
export const SPAN_METRICS_RELABELINGS = [
    { sourceLabels: ["service_name"], targetLabel: "agent_id", action: "replace" },
    { sourceLabels: ["adk_track"], targetLabel: "track", action: "replace" },
    { sourceLabels: ["service_version"], targetLabel: "version", action: "replace" },
    { regex: "service_name|adk_track|service_version", action: "labeldrop" },
];

/**
 * The collector's configuration: processors in the order the Collector documentation gives. With
 * span metrics, the first pipeline fans every span out to the connector and, through the `forward`
 * connector (opentelemetry-collector connector/forwardconnector, in the contrib distribution), to
 * the pipeline that samples and exports: tail sampling drops most traces, so the metrics must see
 * the spans before it does.
 */
export function collectorConfig(tracing: TracingConfig, requestMetrics: RequestMetrics, cloudExporter?: TraceExporter): Record<string, unknown> {
    const exporter = tracing.backend === "cloud"
        ? cloudExporter
        : { name: "otlp", config: { endpoint: tracing.endpoint, tls: { insecure: tracing.insecure } } };
    if (exporter === undefined) throw new Error("OtelCollector: tracing backend \"cloud\" needs the platform's cloudExporter");
    const sampled = { processors: ["tail_sampling", "batch"], exporters: [exporter.name] };
    const spans = requestMetrics === "spans";
    return {
        extensions: { health_check: { endpoint: `0.0.0.0:${HEALTH_PORT}` } },
        receivers: {
            otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` }, http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } },
        },
        ...(spans ? { connectors: { spanmetrics: spanMetricsConnector(), forward: {} } } : {}),
        processors: {
            memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
            tail_sampling: {
                decision_wait: "10s",
                num_traces: 50000,
                // Policies are OR-ed: a trace is kept when any of them keeps it.
                policies: [
                    { name: "errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
                    { name: "slow", type: "latency", latency: { threshold_ms: Math.round(tracing.slowTraceSeconds * 1000) } },
                    { name: "baseline", type: "probabilistic", probabilistic: { sampling_percentage: tracing.samplingRatio * 100 } },
                ],
            },
            batch: { send_batch_size: 8192, timeout: "5s" },
        },
        exporters: {
            [exporter.name]: exporter.config,
            // Names get their type and unit suffixes (`_total`, `_seconds`): add_metric_suffixes,
            // true by default (exporter/prometheusexporter config.go), stated because the rules rely on it.
            ...(spans ? { prometheus: { endpoint: `0.0.0.0:${SPAN_METRICS_PORT}`, add_metric_suffixes: true } } : {}),
        },
        service: {
            extensions: ["health_check"],
            telemetry: { metrics: { address: `0.0.0.0:${METRICS_PORT}` } },
            pipelines: spans
                ? {
                    traces: { receivers: ["otlp"], processors: ["memory_limiter"], exporters: ["spanmetrics", "forward"] },
                    "traces/sampled": { receivers: ["forward"], ...sampled },
                    "metrics/spans": { receivers: ["spanmetrics"], exporters: ["prometheus"] },
                }
                : { traces: { receivers: ["otlp"], processors: ["memory_limiter", ...sampled.processors], exporters: sampled.exporters } },
        },
    };
}

export class OtelCollector extends pulumi.ComponentResource {
    /** Labels of the collector's pods, for NetworkPolicies that let the agents reach it. */
    public readonly podLabels: Record<string, string>;
    /** The ports Prometheus scrapes: the collector's own metrics, and the span metrics when it derives them. */
    public readonly scrapePorts: number[];
    public readonly service: k8s.core.v1.Service;
    public readonly deployment: k8s.apps.v1.Deployment;
    /** OTLP/HTTP base URL for the agents' SDKs. */
    public readonly otlpHttpEndpoint: string;

    constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:monitoring:OtelCollector", name, {}, opts);
        // Before any child is registered: a cloud backend without the platform's exporter throws here.
        const configYaml = stringify(collectorConfig(args.tracing, args.requestMetrics, args.cloudExporter), { lineWidth: 0 });
        this.podLabels = appLabels(OTEL_COLLECTOR_NAME, name);
        const spanMetrics = args.requestMetrics === "spans";
        this.scrapePorts = spanMetrics ? [METRICS_PORT, SPAN_METRICS_PORT] : [METRICS_PORT];
        const labels = { ...args.labels, ...this.podLabels, ...PLATFORM_LABELS };
        const metadata = { name: OTEL_COLLECTOR_NAME, namespace: args.namespace, labels };

        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { ...metadata, annotations: args.serviceAccountAnnotations },
            automountServiceAccountToken: false,
        }, { parent: this });

        // Auto-named, so that a changed configuration rolls the pod.
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { namespace: args.namespace, labels },
            immutable: true,
            data: { "config.yaml": configYaml },
        }, { parent: this });

        const probe = { httpGet: { path: "/", port: "health" }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
        this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
            metadata,
            spec: {
                // Tail sampling needs every span of a trace on the same instance: one replica, until a
                // trace-ID-aware load-balancing tier sits in front (README, Tracing).
                replicas: 1,
                selector: { matchLabels: this.podLabels },
                strategy: { type: "Recreate" },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: serviceAccount.metadata.name,
                        automountServiceAccountToken: false,
                        enableServiceLinks: false,
                        securityContext: restrictedPod(RUN_AS),
                        containers: [{
                            name: "otel-collector",
                            image: args.tracing.collectorImage,
                            imagePullPolicy: "IfNotPresent",
                            args: ["--config=/conf/config.yaml"],
                            ports: [
                                { name: "otlp-grpc", containerPort: OTLP_GRPC_PORT, protocol: "TCP" },
                                { name: "otlp-http", containerPort: OTLP_HTTP_PORT, protocol: "TCP" },
                                { name: "health", containerPort: HEALTH_PORT, protocol: "TCP" },
                                { name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" },
                                ...(spanMetrics ? [{ name: SPAN_METRICS_PORT_NAME, containerPort: SPAN_METRICS_PORT, protocol: "TCP" }] : []),
                            ],
                            // The Go runtime collects garbage before memory_limiter has to refuse data.
                            env: [{ name: "GOMEMLIMIT", value: "400MiB" }],
                            resources: { requests: { cpu: "200m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                            livenessProbe: probe,
                            readinessProbe: probe,
                            securityContext: restrictedContainer(RUN_AS),
                            volumeMounts: [{ name: "config", mountPath: "/conf", readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
                        }],
                        volumes: [{ name: "config", configMap: { name: config.metadata.name } }, { name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                    },
                },
            },
        }, { parent: this });

        this.service = new k8s.core.v1.Service(`${name}-svc`, {
            metadata,
            spec: {
                type: "ClusterIP",
                selector: this.podLabels,
                ports: [
                    { name: "otlp-grpc", port: OTLP_GRPC_PORT, targetPort: "otlp-grpc", protocol: "TCP", appProtocol: "grpc" },
                    { name: "otlp-http", port: OTLP_HTTP_PORT, targetPort: "otlp-http", protocol: "TCP", appProtocol: "http" },
                    { name: "metrics", port: METRICS_PORT, targetPort: "metrics", protocol: "TCP" },
                    ...(spanMetrics ? [{ name: SPAN_METRICS_PORT_NAME, port: SPAN_METRICS_PORT, targetPort: SPAN_METRICS_PORT_NAME, protocol: "TCP" }] : []),
                ],
            },
        }, { parent: this });

        new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { ...metadata, labels: { ...labels, release: args.scrape.release } },
            spec: {
                selector: { matchLabels: this.podLabels },
                namespaceSelector: { matchNames: [args.namespace] },
                endpoints: [
                    { port: "metrics", interval: args.scrape.interval },
                    ...(spanMetrics ? [{ port: SPAN_METRICS_PORT_NAME, interval: args.scrape.interval, metricRelabelings: SPAN_METRICS_RELABELINGS }] : []),
                ],
            },
        }, { parent: this });

        this.otlpHttpEndpoint = collectorEndpoint(args.namespace);
        this.registerOutputs({ otlpHttpEndpoint: this.otlpHttpEndpoint, serviceName: this.service.metadata.name });
    }
}
