import * as assert from "node:assert/strict";
import { gcpStack, planFor } from "./fixtures";
import { Plan } from "./harness";

const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const IMAGE = "europe-west1-docker.pkg.dev/adk-prod-123/agents/research-agent:1.4.2";
const resources = { cpuRequest: "100m", cpuLimit: "200m", memoryRequest: "128Mi", memoryLimit: "256Mi" };
const research = (fields: Record<string, unknown> = {}) => ({ name: "research-agent", image: IMAGE, resources, ...fields });

function route(plan: Plan, agent: string) {
    return plan.one(ROUTE, `edge-${agent}-route`).inputs.spec;
}

describe("GatewayCanary (GCP)", () => {
    describe("one canary agent in prod", () => {
        let plan: Plan;
        before(async () => {
            plan = await planFor(gcpStack({ environment: "prod", agents: [research({ strategy: "canary", canary: { tag: "1.5.0", weight: 30 }, drainSeconds: 20 })] }));
        });

        it("uses the global external managed class on a static address, HTTPS with the managed certificate", () => {
            const gateway = plan.one("kubernetes:gateway.networking.k8s.io/v1:Gateway", "edge-gateway").inputs.spec;
            assert.equal(gateway.gatewayClassName, "gke-l7-global-external-managed");
            assert.deepEqual(gateway.addresses, [{ type: "NamedAddress", value: plan.one("gcp:compute/globalAddress:GlobalAddress", "edge-ip").state.name }]);
            const https = gateway.listeners.find((l: { name: string }) => l.name === "https");
            assert.equal(https.port, 443);
            assert.equal(https.tls.options["networking.gke.io/pre-shared-certs"], plan.one("gcp:compute/managedSslCertificate:ManagedSslCertificate", "edge-cert").state.name);
            assert.deepEqual(plan.one("gcp:compute/managedSslCertificate:ManagedSslCertificate", "edge-cert").inputs.managed.domains, ["agents.example.com"]);
        });

        it("redirects HTTP to HTTPS with a 301", () => {
            const redirect = plan.one(ROUTE, "edge-redirect").inputs.spec;
            assert.equal(redirect.parentRefs[0].sectionName, "http");
            assert.deepEqual(redirect.rules, [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }]);
        });

        it("attaches an SSL policy with minimum TLS 1.2 and the MODERN profile", () => {
            const ssl = plan.one("gcp:compute/sSLPolicy:SSLPolicy", "edge-tls");
            assert.deepEqual([ssl.inputs.minTlsVersion, ssl.inputs.profile], ["TLS_1_2", "MODERN"]);
            const policy = plan.one("kubernetes:networking.gke.io/v1:GCPGatewayPolicy", "edge-gateway-policy").inputs.spec;
            assert.equal(policy.default.sslPolicy, ssl.state.name);
            assert.equal(policy.targetRef.kind, "Gateway");
        });

        it("splits the HTTPS route by the configured weights", () => {
            const spec = route(plan, "research-agent");
            assert.equal(spec.parentRefs[0].sectionName, "https");
            assert.deepEqual(spec.rules.map((r: { backendRefs: unknown }) => r.backendRefs), [[
                { name: "research-agent", port: 80, weight: 70 },
                { name: "research-agent-canary", port: 80, weight: 30 },
            ]]);
        });

        it("health-checks the readiness path and drains for the preStop pause, per Service", () => {
            for (const track of ["stable", "canary"]) {
                const health = plan.one("kubernetes:networking.gke.io/v1:HealthCheckPolicy", `edge-research-agent-${track}-health`).inputs.spec;
                assert.equal(health.default.config.httpHealthCheck.requestPath, "/ready");
                assert.deepEqual([health.default.healthyThreshold, health.default.unhealthyThreshold, health.default.checkIntervalSec], [2, 3, 30]);
                const backend = plan.one("kubernetes:networking.gke.io/v1:GCPBackendPolicy", `edge-research-agent-${track}-backend`).inputs.spec;
                assert.equal(backend.default.connectionDraining.drainingTimeoutSec, 20);
                assert.equal(backend.targetRef.name, track === "stable" ? "research-agent" : "research-agent-canary");
            }
        });

        it("puts Cloud Armor in front of every backend in prod", () => {
            const armor = plan.one("gcp:compute/securityPolicy:SecurityPolicy", "edge-armor");
            for (const backend of plan.ofType("kubernetes:networking.gke.io/v1:GCPBackendPolicy")) {
                assert.equal(backend.inputs.spec.default.securityPolicy, armor.state.name);
                assert.equal(backend.inputs.spec.default.logging.enabled, true);
            }
        });

        it("protects the address and the Gateway in prod", () => {
            assert.equal(plan.one("gcp:compute/globalAddress:GlobalAddress", "edge-ip").protect, true);
            assert.equal(plan.one("kubernetes:gateway.networking.k8s.io/v1:Gateway", "edge-gateway").protect, true);
        });

        it("exports the URL and the address DNS must point at", () => {
            assert.equal(plan.run.outputs.url, "https://agents.example.com");
            assert.equal(plan.run.outputs.loadBalancerDnsName, "34.117.42.7");
            assert.deepEqual(plan.run.outputs.backends, { "research-agent": { stable: "adk-agents/research-agent", canary: "adk-agents/research-agent-canary" } });
            assert.deepEqual(plan.run.outputs.endpoints, { "research-agent": "https://agents.example.com/" });
        });
    });

    it("has no Cloud Armor in dev unless switched on", async () => {
        const dev = await planFor(gcpStack());
        assert.equal(dev.ofType("gcp:compute/securityPolicy:SecurityPolicy").length, 0);
        assert.equal(dev.ofType("kubernetes:networking.gke.io/v1:GCPBackendPolicy")[0].inputs.spec.default.securityPolicy, undefined);
        const on = await planFor(gcpStack({ loadBalancer: { domain: "agents.example.com", waf: true, gcp: { sslProfile: "RESTRICTED" } } }));
        assert.equal(on.ofType("gcp:compute/securityPolicy:SecurityPolicy").length, 1);
        assert.equal(on.one("gcp:compute/sSLPolicy:SSLPolicy", "edge-tls").inputs.profile, "RESTRICTED");
    });

    it("ab-testing: an exact header match to canary ranked before the default to stable", async () => {
        const plan = await planFor(gcpStack({ agents: [research({ strategy: "ab-testing", canary: { tag: "2.0.0", header: { name: "x-agent-variant", value: "canary" } } })] }));
        const [header, rest] = route(plan, "research-agent").rules;
        assert.deepEqual(header.matches, [{ headers: [{ type: "Exact", name: "x-agent-variant", value: "canary" }] }]);
        assert.deepEqual(header.backendRefs, [{ name: "research-agent-canary", port: 80 }]);
        assert.deepEqual(rest.backendRefs.map((b: { weight: number }) => b.weight), [100, 0]);
    });

    it("blue-green: switching to green moves all traffic to the canary track", async () => {
        const plan = await planFor(gcpStack({ agents: [research({ strategy: "blue-green", canary: { tag: "2.0.0", active: "green" } })] }));
        const [only] = route(plan, "research-agent").rules;
        assert.deepEqual(only.backendRefs, [{ name: "research-agent", port: 80, weight: 0 }, { name: "research-agent-canary", port: 80, weight: 100 }]);
    });

    it("several agents: one host each, certificate for every host; path routing strips the prefix", async () => {
        const agents = [research(), { name: "support-agent", image: IMAGE.replace("research", "support"), resources }];
        const hosts = await planFor(gcpStack({ agents }));
        assert.deepEqual(route(hosts, "support-agent").hostnames, ["support-agent.agents.example.com"]);
        assert.deepEqual(hosts.one("gcp:compute/managedSslCertificate:ManagedSslCertificate", "edge-cert").inputs.managed.domains,
            ["research-agent.agents.example.com", "support-agent.agents.example.com"]);
        const paths = await planFor(gcpStack({ agents, loadBalancer: { domain: "agents.example.com", routing: "path" } }));
        const [rule] = route(paths, "support-agent").rules;
        assert.deepEqual(rule.matches, [{ path: { type: "PathPrefix", value: "/support-agent" } }]);
        assert.deepEqual(rule.filters, [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } }]);
    });
});
