// The OpenTelemetry Collector and the OTEL_* environment that points the agents at it.
import assert from "node:assert/strict";
import { parse } from "yaml";
import { awsStack, gcpStack, planFor } from "../../fixtures";

type Plan = Awaited<ReturnType<typeof planFor>>;

function collectorConfig(plan: Plan): any {
    const map = plan.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.name === "traces-config")!;
    return parse(map.inputs.data["config.yaml"]);
}

function agentEnv(plan: Plan, agent = "research-agent"): Record<string, string> {
    return plan.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.name === `${agent}-config`)!.inputs.data;
}

describe("OtelCollector", () => {
    it("receives OTLP on 4317 and 4318, limits memory first, tail-samples, batches, and exports OTLP to Jaeger", async () => {
        const plan = await planFor(awsStack());
        const config = collectorConfig(plan);
        assert.deepEqual(config.receivers.otlp.protocols, { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } });
        assert.deepEqual(config.service.pipelines.traces, { receivers: ["otlp"], processors: ["memory_limiter", "tail_sampling", "batch"], exporters: ["otlp"] });
        assert.deepEqual(config.exporters, { otlp: { endpoint: "jaeger-collector.observability:4317", tls: { insecure: true } } });
        assert.doesNotMatch(JSON.stringify(plan.resources), /14268/);
    });

    it("keeps every error and every slow trace beside the sampled share", async () => {
        const dev = collectorConfig(await planFor(awsStack()));
        const prod = collectorConfig(await planFor(awsStack({ environment: "prod", monitoring: { tracing: { slowTraceMs: 1500 } } })));
        assert.deepEqual(prod.processors.tail_sampling.policies, [
            { name: "errors", type: "status_code", status_code: { status_codes: ["ERROR"] } },
            { name: "slow", type: "latency", latency: { threshold_ms: 1500 } },
            { name: "baseline", type: "probabilistic", probabilistic: { sampling_percentage: 10 } },
        ]);
        assert.equal(dev.processors.tail_sampling.policies[2].probabilistic.sampling_percentage, 100);
    });

    it("exports to Tempo at a configured endpoint", async () => {
        const config = collectorConfig(await planFor(awsStack({ monitoring: { tracing: { backend: "tempo", endpoint: "tempo.tracing:4317", insecure: false } } })));
        assert.deepEqual(config.exporters, { otlp: { endpoint: "tempo.tracing:4317", tls: { insecure: false } } });
    });

    it("runs hardened in the agents' namespace, with the labels and ports NetworkPolicies select", async () => {
        const plan = await planFor(awsStack());
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
        assert.deepEqual(service.inputs.spec.ports.map((p: { port: number }) => p.port), [4317, 4318, 8888]);
        assert.deepEqual(service.inputs.spec.selector, { "app.kubernetes.io/name": "otel-collector", "app.kubernetes.io/instance": "traces" });
        const monitor = plan.one("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "traces-servicemonitor");
        assert.equal(monitor.inputs.metadata.labels.release, "kube-prometheus-stack");
        assert.deepEqual(monitor.inputs.spec.endpoints, [{ port: "metrics", interval: "30s" }]);
    });

    it("gives the agents the standard OTEL_* environment and JSON logging, without overriding their own env", async () => {
        const env = agentEnv(await planFor(awsStack({ agents: [{ name: "research-agent", image: "example.com/research-agent:1.0.0", env: { LOG_LEVEL: "WARNING" } }] })));
        assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, "http://otel-collector.adk-agents.svc:4318");
        assert.equal(env.OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf");
        assert.equal(env.OTEL_SERVICE_NAME, "research-agent");
        assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, "deployment.environment=dev,deployment.environment.name=dev,service.namespace=adk-agents");
        assert.equal(env.OTEL_TRACES_SAMPLER, "parentbased_always_on");
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
        const plan = await planFor(awsStack({ monitoring: { tracing: { enabled: false } } }));
        assert.equal(plan.ofType("adk:monitoring:OtelCollector").length, 0);
        const env = agentEnv(plan);
        assert.equal(env.OTEL_SDK_DISABLED, "true");
        assert.equal(env.OTEL_EXPORTER_OTLP_ENDPOINT, undefined);
    });

    it("exports to X-Ray on AWS with an IRSA role bound to the collector's ServiceAccount", async () => {
        const oidc = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC";
        const plan = await planFor(awsStack({ monitoring: { tracing: { backend: "cloud" } }, security: { aws: { oidcProviderArn: oidc } } }));
        assert.deepEqual(collectorConfig(plan).exporters, { awsxray: { region: "eu-west-1" } });
        const role = plan.one("aws:iam/role:Role", "traces-role");
        const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement[0];
        assert.equal(trust.Principal.Federated, oidc);
        assert.equal(trust.Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub"], "system:serviceaccount:adk-agents:otel-collector");
        const sa = plan.one("kubernetes:core/v1:ServiceAccount", "traces-sa");
        assert.equal(sa.inputs.metadata.name, "otel-collector");
        assert.match(sa.inputs.metadata.annotations["eks.amazonaws.com/role-arn"], /traces-role/);
    });

    it("exports to Cloud Trace on GCP through Workload Identity", async () => {
        const plan = await planFor(gcpStack({ monitoring: { tracing: { backend: "cloud" } } }));
        assert.deepEqual(collectorConfig(plan).exporters, { googlecloud: { project: "adk-prod-123" } });
        const binding = plan.one("gcp:serviceaccount/iAMMember:IAMMember", "traces-workload-identity");
        assert.equal(binding.inputs.member, "serviceAccount:adk-prod-123.svc.id.goog[adk-agents/otel-collector]");
        assert.equal(plan.one("gcp:projects/iAMMember:IAMMember", "traces-cloudtrace-agent").inputs.role, "roles/cloudtrace.agent");
        const sa = plan.one("kubernetes:core/v1:ServiceAccount", "traces-sa");
        assert.equal(sa.inputs.metadata.annotations["iam.gke.io/gcp-service-account"], "adk-traces-test@adk-prod-123.iam.gserviceaccount.com");
    });
});
