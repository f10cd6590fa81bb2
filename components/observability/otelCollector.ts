// The OpenTelemetry Collector the agents send traces to: OTLP in (gRPC 4317, HTTP 4318),
// memory_limiter, tail sampling that keeps every error and every slow trace on top of a share of
// the rest, batch, and OTLP out to Jaeger or Tempo (or the cloud's exporter). It runs in the
// agents' namespace under the restricted Pod Security Standard, hardened like the agents.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { restrictedContainer, restrictedPod } from "../kubernetes/hardening";
import { appLabels, PLATFORM_LABELS } from "../kubernetes/labels";
import type { TracingConfig } from "./config";

export const OTLP_GRPC_PORT = 4317;
export const OTLP_HTTP_PORT = 4318;
const HEALTH_PORT = 13133;
/** The collector's own metrics, which Prometheus scrapes. */
export const METRICS_PORT = 8888;
const RUN_AS = 10001;
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
    /** The exporter for `backend: cloud` (components/platform/); Jaeger and Tempo take OTLP. */
    cloudExporter?: TraceExporter;
    /** Annotations for the ServiceAccount, e.g. the cloud identity the cloud exporter needs. */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** Prometheus scrapes the collector's own metrics (accepted, refused, dropped spans) with these settings. */
    scrape: { release: string; interval: string };
    labels?: Record<string, string>;
}

/** The collector's configuration: processors in the order the Collector documentation gives. */
export function collectorConfig(tracing: TracingConfig, cloudExporter?: TraceExporter): Record<string, unknown> {
    const exporter: TraceExporter = tracing.backend === "cloud"
        ? cloudExporter!
        : { name: "otlp", config: { endpoint: tracing.endpoint, tls: { insecure: tracing.insecure } } };
    return {
        extensions: { health_check: { endpoint: `0.0.0.0:${HEALTH_PORT}` } },
        receivers: {
            otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${OTLP_GRPC_PORT}` }, http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } },
        },
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
        exporters: { [exporter.name]: exporter.config },
        service: {
            extensions: ["health_check"],
            telemetry: { metrics: { address: `0.0.0.0:${METRICS_PORT}` } },
            pipelines: {
                traces: { receivers: ["otlp"], processors: ["memory_limiter", "tail_sampling", "batch"], exporters: [exporter.name] },
            },
        },
    };
}

export class OtelCollector extends pulumi.ComponentResource {
    /** Labels of the collector's pods, for NetworkPolicies that let the agents reach it. */
    public readonly podLabels: Record<string, string>;
    public readonly ports = { otlpGrpc: OTLP_GRPC_PORT, otlpHttp: OTLP_HTTP_PORT, metrics: METRICS_PORT };
    public readonly service: k8s.core.v1.Service;
    public readonly deployment: k8s.apps.v1.Deployment;
    /** OTLP/HTTP base URL for the agents' SDKs. */
    public readonly otlpHttpEndpoint: string;

    constructor(name: string, args: OtelCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:monitoring:OtelCollector", name, {}, opts);
        if (args.tracing.backend === "cloud" && args.cloudExporter === undefined) {
            throw new Error("OtelCollector: tracing backend \"cloud\" needs the platform's cloudExporter");
        }
        this.podLabels = appLabels(OTEL_COLLECTOR_NAME, name);
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
            data: { "config.yaml": stringify(collectorConfig(args.tracing, args.cloudExporter), { lineWidth: 0 }) },
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
                endpoints: [{ port: "metrics", interval: args.scrape.interval }],
            },
        }, { parent: this });

        this.otlpHttpEndpoint = collectorEndpoint(args.namespace);
        this.registerOutputs({ otlpHttpEndpoint: this.otlpHttpEndpoint, serviceName: this.service.metadata.name });
    }
}
