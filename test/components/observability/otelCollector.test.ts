// The OpenTelemetry Collector and the OTEL_* environment that points the agents at it.
import assert from "node:assert/strict";
import { parse } from "yaml";
import { agentEnv, awsStack, gcpStack, planFor } from "../../fixtures";
import { componentPlan } from "../../componentFixtures";
import { OTEL_COLLECTOR_NAME, OtelCollector, SPAN_METRICS_RELABELINGS } from "../../../components/observability/otelCollector";
import { platformFor } from "../../../components/platform";
import { Plan } from "../../../tools/mockRuntime";

/**
 * The stack's collector alone, with its cloud's exporter and identity for `backend: cloud`. Tests
 * of the agents' environment (agentEnv) run the whole program, which gives it to every workload.
 */
function collector(stack: Record<string, unknown>): Promise<Plan> {
    return componentPlan(stack, ({ config, cluster, labels }) => {
        const { namespace, monitoring: { tracing, requestMetrics, release, scrapeInterval } } = config;
        const cloud = tracing.backend === "cloud" ? platformFor(config).cloudTracing("traces", { namespace, serviceAccountName: OTEL_COLLECTOR_NAME }) : {};
        new OtelCollector("traces", { namespace, tracing, requestMetrics, scrape: { release, interval: scrapeInterval }, labels, ...cloud }, cluster);
    });
}

function collectorConfig(plan: Plan): any {
    const map = plan.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.name === "traces-config")!;
    return parse(map.inputs.data["config.yaml"]);
}

describe("OtelCollector", () => {
    it("receives OTLP on 4317 and 4318, limits memory first, tail-samples, batches, and exports OTLP to Jaeger", async () => {
        const plan = await collector(awsStack({ monitoring: { requestMetrics: "app-metrics" } }));
        const config = collectorConfig(plan);
        assert.deepEqual(config.receivers.otlp.protocols, { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } });
        assert.deepEqual(config.service.pipelines, { traces: { receivers: ["otlp"], processors: ["memory_limiter", "tail_sampling", "batch"], exporters: ["otlp"] } });
        assert.deepEqual(config.exporters, { otlp: { endpoint: "jaeger-collector.observability:4317", tls: { insecure: true } } });
        assert.equal(config.connectors, undefined);
        assert.doesNotMatch(JSON.stringify(plan.resources), /14268/);
    });

    it("counts every span into request metrics before tail sampling, and samples and exports the traces after", async () => {
        const config = collectorConfig(await collector(awsStack()));
        assert.deepEqual(config.service.pipelines, {
            traces: { receivers: ["otlp"], processors: ["memory_limiter"], exporters: ["spanmetrics", "forward"] },
            "traces/sampled": { receivers: ["forward"], processors: ["tail_sampling", "batch"], exporters: ["otlp"] },
            "metrics/spans": { receivers: ["spanmetrics"], exporters: ["prometheus"] },
        });
        assert.deepEqual(config.connectors.forward, {});
        assert.deepEqual(config.exporters.prometheus, { endpoint: "0.0.0.0:8889", add_metric_suffixes: true });
        assert.deepEqual(config.exporters.otlp, { endpoint: "jaeger-collector.observability:4317", tls: { insecure: true } });
    });

    it("derives the request metrics with an explicit namespace, the track and version dimensions, and buckets in seconds that hold every SLO threshold", async () => {
        const { spanmetrics } = collectorConfig(await collector(awsStack())).connectors;
        assert.equal(spanmetrics.namespace, "adk.spans");
        assert.deepEqual(spanmetrics.dimensions, [{ name: "adk.track" }, { name: "service.version" }]);
        assert.deepEqual(spanmetrics.resource_metrics_key_attributes, ["service.name", "service.version", "adk.track"]);
        assert.equal(spanmetrics.histogram.unit, "s");
        assert.deepEqual(spanmetrics.histogram.explicit.buckets, ["100ms", "250ms", "500ms", "1000ms", "2000ms", "2500ms", "5000ms", "10000ms", "30000ms", "60000ms", "120000ms", "300000ms"]);
        // Every latencyThresholdMs the config accepts, and ADKAgentHighLatency's 2 s, is a bound.
        for (const ms of [100, 250, 500, 1000, 2000, 2500, 5000, 10000]) assert.ok(spanmetrics.histogram.explicit.buckets.includes(`${ms}ms`), `${ms}ms`);
    });

    it("uses only keys the contrib collector defines (connector/spanmetricsconnector, connector/forwardconnector, exporter/prometheusexporter, service)", async () => {
        const config = collectorConfig(await collector(awsStack()));
        // Config structs at the pinned release: spanmetricsconnector config.go `Config`,
        // `HistogramConfig`, `ExplicitHistogramConfig`, `Dimension`; prometheusexporter config.go
        // (confighttp.ServerConfig squashed gives `endpoint`); the forward connector has no settings.
        const known: Record<string, string[]> = {
            spanmetrics: ["histogram", "dimensions", "exclude_dimensions", "dimensions_cache_size", "resource_metrics_cache_size", "resource_metrics_key_attributes", "aggregation_temporality", "namespace", "metrics_flush_interval", "metrics_expiration", "exemplars", "events"],
            "spanmetrics.histogram": ["disable", "unit", "exponential", "explicit"],
            "spanmetrics.histogram.explicit": ["buckets"],
            prometheus: ["endpoint", "namespace", "const_labels", "send_timestamps", "metric_expiration", "resource_to_telemetry_conversion", "enable_open_metrics", "add_metric_suffixes"],
            service: ["extensions", "telemetry", "pipelines"],
            "service.pipelines.*": ["receivers", "processors", "exporters"],
        };
        const { spanmetrics, forward } = config.connectors;
        const unknown = (where: string, value: Record<string, unknown>) => Object.keys(value).filter((key) => !known[where].includes(key)).map((key) => `${where}.${key}`);
        assert.deepEqual([
            ...unknown("spanmetrics", spanmetrics),
            ...unknown("spanmetrics.histogram", spanmetrics.histogram),
            ...unknown("spanmetrics.histogram.explicit", spanmetrics.histogram.explicit),
            ...unknown("prometheus", config.exporters.prometheus),
            ...unknown("service", config.service),
            ...Object.values(config.service.pipelines).flatMap((pipeline) => unknown("service.pipelines.*", pipeline as Record<string, unknown>)),
            ...spanmetrics.dimensions.flatMap((d: Record<string, unknown>) => Object.keys(d).filter((key) => !["name", "default"].includes(key))),
        ], []);
        assert.deepEqual(forward, {});
        // Every component a pipeline names is declared, and every connector is used as an exporter and a receiver.
        const declared = new Set([...Object.keys(config.receivers), ...Object.keys(config.processors), ...Object.keys(config.exporters), ...Object.keys(config.connectors)]);
        const pipelines = Object.values(config.service.pipelines) as Record<string, string[]>[];
        for (const pipeline of pipelines) for (const name of Object.values(pipeline).flat()) assert.ok(declared.has(name), name);
        for (const connector of Object.keys(config.connectors)) {
            assert.ok(pipelines.some((p) => p.exporters.includes(connector)) && pipelines.some((p) => p.receivers.includes(connector)), connector);
        }
    });

    it("exposes the span metrics on a Service port the collector's ServiceMonitor scrapes, renaming the labels to the platform's", async () => {
        const plan = await collector(awsStack());
        const container = plan.one("kubernetes:apps/v1:Deployment", "traces-deployment").inputs.spec.template.spec.containers[0];
        assert.deepEqual(container.ports.find((p: { name: string }) => p.name === "span-metrics"), { name: "span-metrics", containerPort: 8889, protocol: "TCP" });
        const service = plan.one("kubernetes:core/v1:Service", "traces-svc");
        assert.deepEqual(service.inputs.spec.ports.find((p: { name: string }) => p.name === "span-metrics"), { name: "span-metrics", port: 8889, targetPort: "span-metrics", protocol: "TCP" });
        const monitor = plan.one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "traces-servicemonitor");
        assert.deepEqual(monitor.inputs.spec.endpoints, [
            { port: "metrics", interval: "30s" },
            { port: "span-metrics", interval: "30s", metricRelabelings: SPAN_METRICS_RELABELINGS },
        ]);
    });

    it("renames the exporter's labels to agent_id, track and version as Prometheus applies the relabelings", () => {
        // Prometheus' relabel: `replace` with the default regex (.*) and replacement $1 copies the
        // source label; an empty result removes the target; `labeldrop` removes every matching name
        // (prometheus/prometheus model/relabel/relabel.go). The exporter's labels as its
        // Prometheus translation writes them: dots become underscores (normalize_label.go).
        const exported: Record<string, string> = {
            service_name: "research-agent", span_name: "invocation", span_kind: "SPAN_KIND_INTERNAL", status_code: "STATUS_CODE_ERROR",
            adk_track: "canary", service_version: "1.5.0", namespace: "adk-agents",
        };
        const labels = { ...exported };
        for (const rule of SPAN_METRICS_RELABELINGS) {
            if (rule.action === "replace") {
                const value = labels[rule.sourceLabels![0]] ?? "";
                if (value === "") delete labels[rule.targetLabel!];
                else labels[rule.targetLabel!] = value;
            } else for (const name of Object.keys(labels)) if (new RegExp(`^(?:${rule.regex})$`).test(name)) delete labels[name];
        }
        assert.deepEqual(labels, {
            agent_id: "research-agent", track: "canary", version: "1.5.0", span_name: "invocation", span_kind: "SPAN_KIND_INTERNAL", status_code: "STATUS_CODE_ERROR", namespace: "adk-agents",
        });
    });

    it("keeps every error and every slow trace beside the sampled share", async () => {
        const dev = collectorConfig(await collector(awsStack()));
        const prod = collectorConfig(await collector(awsStack({ environment: "prod", monitoring: { tracing: { slowTraceMs: 1500 } } })));
        assert.deepEqual(prod.processors.tail_sampling.policies, [
            { name: "errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
            { name: "slow", type: "latency", latency: { threshold_ms: 1500 } },
            { name: "baseline", type: "probabilistic", probabilistic: { sampling_percentage: 10 } },
        ]);
        assert.equal(dev.processors.tail_sampling.policies[2].probabilistic.sampling_percentage, 100);
    });

    it("exports to Tempo at a configured endpoint", async () => {
        const config = collectorConfig(await collector(awsStack({ monitoring: { tracing: { backend: "tempo", endpoint: "tempo.tracing:4317", insecure: false } } })));
        assert.deepEqual(config.exporters.otlp, { endpoint: "tempo.tracing:4317", tls: { insecure: false } });
    });

    it("runs hardened in the agents' namespace, with the labels and ports NetworkPolicies select", async () => {
        const plan = await collector(awsStack());
        const deployment = plan.one("kubernetes:apps/v1:Deployment", "traces-deployment");
        assert.equal(deployment.inputs.metadata.namespace, "adk-agents");
        assert.equal(deployment.inputs.spec.replicas, 1);
        assert.equal(deployment.inputs.spec.template.metadata.labels["app.kubernetes.io/name"], "otel-collector");
        const pod = deployment.inputs.spec.template.spec;
        assert.equal(pod.automountServiceAccountToken, false);
        assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
        const [container] = pod.containers;
        assert.equal(container.image, "otel/opentelemetry-collector-contrib:0.115.1");
        assert.deepEqual(container.securityContext.capabilities, { drop: ["ALL"] });
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        const service = plan.one("kubernetes:core/v1:Service", "traces-svc");
        assert.deepEqual(service.inputs.spec.ports.map((p: { port: number }) => p.port), [4317, 4318, 8888, 8889]);
        assert.deepEqual(service.inputs.spec.selector, { "app.kubernetes.io/name": "otel-collector", "app.kubernetes.io/instance": "traces" });
        const monitor = plan.one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "traces-servicemonitor");
        assert.equal(monitor.inputs.metadata.labels.release, "kube-prometheus-stack");
        assert.deepEqual(monitor.inputs.spec.endpoints.map((e: { port: string }) => e.port), ["metrics", "span-metrics"]);
    });

    it("gives the agents the standard OTEL_* environment and JSON logging, without overriding their own env", async () => {
        const env = agentEnv(await planFor(awsStack({ agents: [{ name: "research-agent", image: "example.com/research-agent:1.0.0", env: { LOG_LEVEL: "WARNING" } }] })));
        assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, "http://otel-collector.adk-agents.svc:4318");
        assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf");
        assert.equal(env.OTEL_SERVICE_NAME, "research-agent");
        assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, "deployment.environment=dev,deployment.environment.name=dev,service.namespace=adk-agents");
        assert.equal(env.OTEL_TRACES_SAMPLER, "parentbased_always_on");
        assert.equal(env.ADK_CAPTURE_MESSAGE_CONTENT_IN_SPANS, "false");
        assert.equal(env.LOG_FORMAT, "json");
        assert.equal(env.LOG_LEVEL, "WARNING");
        assert.equal(agentEnv(await planFor(awsStack({ environment: "staging" }))).LOG_LEVEL, "INFO");
    });

    it("tells the stable and canary tracks apart in the resource attributes, as the kubelet expands them", async () => {
        const plan = await planFor(awsStack({ agents: [{ name: "research-agent", image: "example.com/research-agent:1.4.2", canary: { tag: "1.5.0", weight: 10 } }] }));
        const configMap = plan.one("kubernetes:core/v1:ConfigMap", "research-agent-config");
        // What the kubelet does: envFrom first, then env in order, expanding $(NAME) from what is defined so far.
        const effective = (deployment: string) => {
            const container = plan.one("kubernetes:apps/v1:Deployment", deployment).inputs.spec.template.spec.containers[0];
            const env: Record<string, string> = { ...configMap.inputs.data };
            for (const { name, value } of container.env) if (value !== undefined) env[name] = value.replace(/\$\((\w+)\)/g, (ref: string, v: string) => env[v] ?? ref);
            return env.OTEL_RESOURCE_ATTRIBUTES;
        };
        const base = "deployment.environment=dev,deployment.environment.name=dev,service.namespace=adk-agents";
        assert.equal(effective("research-agent-stable"), `${base},service.version=1.4.2,adk.track=stable`);
        assert.equal(effective("research-agent-canary"), `${base},service.version=1.5.0,adk.track=canary`);
    });

    it("turns the agents' SDK off and creates no collector when tracing is off", async () => {
        const plan = await planFor(awsStack({ monitoring: { requestMetrics: "app-metrics", tracing: { enabled: false } } }));
        assert.equal(plan.ofType("adk:monitoring:OtelCollector").length, 0);
        const env = agentEnv(plan);
        assert.equal(env.OTEL_SDK_DISABLED, "true");
        assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
    });

    it("exports to X-Ray on AWS with an IRSA role bound to the collector's ServiceAccount", async () => {
        const oidc = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
        const plan = await collector(awsStack({ monitoring: { tracing: { backend: "cloud" } }, security: { aws: { oidcProviderArn: oidc } } }));
        assert.deepEqual(collectorConfig(plan).exporters.awsxray, { region: "eu-west-1" });
        assert.deepEqual(collectorConfig(plan).service.pipelines["traces/sampled"].exporters, ["awsxray"]);
        const role = plan.one("aws:iam/role:Role", "traces-role");
        const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement[0];
        assert.equal(trust.Principal.Federated, oidc);
        assert.equal(trust.Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"], "system:serviceaccount:adk-agents:otel-collector");
        const sa = plan.one("kubernetes:core/v1:ServiceAccount", "traces-sa");
        assert.equal(sa.inputs.metadata.name, "otel-collector");
        assert.match(sa.inputs.metadata.annotations["eks.amazonaws.com/role-arn"], /traces-role/);
    });

    it("exports to Cloud Trace on GCP through Workload Identity", async () => {
        const plan = await collector(gcpStack({ monitoring: { tracing: { backend: "cloud" } } }));
        assert.deepEqual(collectorConfig(plan).exporters.googlecloud, { project: "adk-prod-123" });
        const binding = plan.one("gcp:serviceaccount/iAMMember:IAMMember", "traces-workload-identity");
        assert.equal(binding.inputs.member, "serviceAccount:adk-prod-123.svc.id.goog[adk-agents/otel-collector]");
        assert.equal(plan.one("gcp:projects/iAMMember:IAMMember", "traces-cloudtrace-agent").inputs.role, "roles/cloudtrace.agent");
        const sa = plan.one("kubernetes:core/v1:ServiceAccount", "traces-sa");
        assert.equal(sa.inputs.metadata.annotations["iam.gke.io/gcp-service-account"], "adk-traces-test@adk-prod-123.iam.gserviceaccount.com");
    });

    it("keeps prompts and responses out of spans unless the stack turns capture on and its data classification allows it", async () => {
        const open = agentEnv(await planFor(awsStack({ security: { dataClassification: "internal" }, monitoring: { tracing: { captureMessageContent: true } } })));
        assert.equal(open.ADK_CAPTURE_MESSAGE_CONTENT_IN_SPANS, "true");
        await assert.rejects(planFor(awsStack({ monitoring: { tracing: { captureMessageContent: true } } })),
            /adk-platform:monitoring\.tracing\.captureMessageContent: puts prompts and responses into spans, which leave the namespace for the trace backend; refused for confidential data \(adk-platform:security\.dataClassification, confidential by default\)/);
        await assert.rejects(planFor(awsStack({ security: { dataClassification: "restricted" }, agents: [{ name: "research-agent", image: "example.com/research-agent:1.0.0", env: { ADK_CAPTURE_MESSAGE_CONTENT_IN_SPANS: "True" } }] })),
            /adk-platform:agents\[0\]\.env\.ADK_CAPTURE_MESSAGE_CONTENT_IN_SPANS: "True" puts prompts and responses into spans.*refused for restricted data/);
        const off = agentEnv(await planFor(awsStack({ security: { dataClassification: "restricted" }, agents: [{ name: "research-agent", image: "example.com/research-agent:1.0.0", env: { ADK_CAPTURE_MESSAGE_CONTENT_IN_SPANS: "0" } }] })));
        assert.equal(off.ADK_CAPTURE_MESSAGE_CONTENT_IN_SPANS, "0");
    });
});
