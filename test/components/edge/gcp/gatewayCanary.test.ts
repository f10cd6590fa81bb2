import * as assert from "node:assert/strict";
import { gcpAgent, gcpStack } from "../../../fixtures";
import { canaryEdge, componentPlan } from "../../../componentFixtures";
import { Plan } from "../../../../tools/mockRuntime";
import { CERTIFICATE, DNS_AUTHORIZATION, GATEWAY, MAP_ENTRY, ROUTE } from "../../../../tools/resourceTypes";

/** The load balancer in front of the stack's agents, built on its own. */
const edge = (stack: Record<string, unknown>) => componentPlan(stack, canaryEdge);
const research = (fields: Record<string, unknown> = {}) => gcpAgent("research-agent", fields);

function route(plan: Plan, agent: string) {
    return plan.one(ROUTE, `edge-${agent}-route`).inputs.spec;
}

describe("GatewayCanary (GCP)", () => {
    describe("one canary agent in prod", () => {
        let plan: Plan;
        before(async () => {
            plan = await edge(gcpStack({ environment: "prod", agents: [research({ strategy: "canary", canary: { tag: "1.5.0", weight: 30 }, drainSeconds: 20 })] }));
        });

        it("uses the global external managed class on a static address, HTTPS from the certificate map and no pre-shared certificate", () => {
            const gateway = plan.one(GATEWAY, "edge-gateway").inputs;
            assert.equal(gateway.spec.gatewayClassName, "gke-l7-global-external-managed");
            assert.deepEqual(gateway.spec.addresses, [{ type: "NamedAddress", value: plan.one("gcp:compute/globalAddress:GlobalAddress", "edge-ip").state.name }]);
            assert.equal(gateway.metadata.annotations["networking.gke.io/certmap"], plan.one("gcp:certificatemanager/certificateMap:CertificateMap", "edge-cert-map").state.name);
            const https = gateway.spec.listeners.find((l: { name: string }) => l.name === "https");
            assert.equal(https.port, 443);
            assert.equal(https.tls, undefined);
            assert.equal(plan.ofType("gcp:compute/managedSslCertificate:ManagedSslCertificate").length, 0);
        });

        it("gives the domain its own Google-managed certificate, DNS-authorized, in a map entry", () => {
            const authorization = plan.one(DNS_AUTHORIZATION, "edge-dns-auth");
            assert.deepEqual([authorization.inputs.domain, authorization.inputs.type], ["agents.example.com", "PER_PROJECT_RECORD"]);
            const certificate = plan.one(CERTIFICATE, "edge-cert");
            assert.equal(certificate.inputs.scope, "DEFAULT");
            assert.deepEqual(certificate.inputs.managed, { domains: ["agents.example.com"], dnsAuthorizations: ["edge-dns-auth-id"] });
            const entry = plan.one(MAP_ENTRY, "edge-cert-entry").inputs;
            const map = plan.one("gcp:certificatemanager/certificateMap:CertificateMap", "edge-cert-map").state.name;
            assert.deepEqual([entry.map, entry.hostname, entry.certificates], [map, "agents.example.com", ["edge-cert-id"]]);
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
            // The other rule, outside dev, closes ADK's development paths (test/components/agents/contract.test.ts).
            assert.deepEqual(spec.rules.filter((r: { backendRefs?: unknown }) => r.backendRefs).map((r: { backendRefs: unknown }) => r.backendRefs), [[
                { name: "research-agent", port: 80, weight: 70 },
                { name: "research-agent-canary", port: 80, weight: 30 },
            ]]);
        });

        it("health-checks the readiness path and drains for the whole termination budget, per Service", () => {
            for (const track of ["stable", "canary"]) {
                const health = plan.one("kubernetes:networking.gke.io/v1:HealthCheckPolicy", `edge-research-agent-${track}-health`).inputs.spec;
                assert.equal(health.default.config.httpHealthCheck.requestPath, "/health");
                assert.deepEqual([health.default.healthyThreshold, health.default.unhealthyThreshold, health.default.checkIntervalSec], [2, 3, 30]);
                const backend = plan.one("kubernetes:networking.gke.io/v1:GCPBackendPolicy", `edge-research-agent-${track}-backend`).inputs.spec;
                assert.equal(backend.default.connectionDraining.drainingTimeoutSec, 20 + 300);
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
            assert.equal(plan.one(GATEWAY, "edge-gateway").protect, true);
        });

        it("exports the URL and the address DNS must point at", () => {
            assert.equal(plan.run.outputs.url, "https://agents.example.com");
            assert.equal(plan.run.outputs.loadBalancerDnsName, "34.117.42.7");
            assert.deepEqual(plan.run.outputs.backends, { "research-agent": { stable: "adk-agents/research-agent", canary: "adk-agents/research-agent-canary" } });
            assert.deepEqual(plan.run.outputs.endpoints, { "research-agent": "https://agents.example.com/" });
            assert.deepEqual(plan.run.outputs.certificateDnsRecords, [{
                name: "_acme-challenge_k3x9q2.agents.example.com.",
                type: "CNAME",
                data: "agents-5e1f.9.authorize.certificatemanager.goog.",
            }]);
        });
    });

    it("has no Cloud Armor in dev unless switched on", async () => {
        const dev = await edge(gcpStack());
        assert.equal(dev.ofType("gcp:compute/securityPolicy:SecurityPolicy").length, 0);
        assert.equal(dev.ofType("kubernetes:networking.gke.io/v1:GCPBackendPolicy")[0].inputs.spec.default.securityPolicy, undefined);
        const on = await edge(gcpStack({ loadBalancer: { domain: "agents.example.com", waf: true, gcp: { sslProfile: "RESTRICTED" } } }));
        assert.equal(on.ofType("gcp:compute/securityPolicy:SecurityPolicy").length, 1);
        assert.equal(on.one("gcp:compute/sSLPolicy:SSLPolicy", "edge-tls").inputs.profile, "RESTRICTED");
    });

    it("ab-testing: an exact header match to canary ranked before the default to stable", async () => {
        const plan = await edge(gcpStack({ agents: [research({ strategy: "ab-testing", canary: { tag: "2.0.0", header: { name: "x-agent-variant", value: "canary" } } })] }));
        const [header, rest] = route(plan, "research-agent").rules;
        assert.deepEqual(header.matches, [{ headers: [{ type: "Exact", name: "x-agent-variant", value: "canary" }] }]);
        assert.deepEqual(header.backendRefs, [{ name: "research-agent-canary", port: 80 }]);
        assert.deepEqual(rest.backendRefs.map((b: { weight: number }) => b.weight), [100, 0]);
    });

    it("blue-green: switching to green moves all traffic to the canary track", async () => {
        const plan = await edge(gcpStack({ agents: [research({ strategy: "blue-green", canary: { tag: "2.0.0", active: "green" } })] }));
        const [only] = route(plan, "research-agent").rules;
        assert.deepEqual(only.backendRefs, [{ name: "research-agent", port: 80, weight: 0 }, { name: "research-agent-canary", port: 80, weight: 100 }]);
    });

    describe("several agents", () => {
        const two = [gcpAgent("research-agent"), gcpAgent("support-agent")];

        it("host routing: one host each, each with its own certificate and map entry", async () => {
            const hosts = await edge(gcpStack({ agents: two }));
            assert.deepEqual(route(hosts, "support-agent").hostnames, ["support-agent.agents.example.com"]);
            for (const name of ["research-agent", "support-agent"]) {
                const host = `${name}.agents.example.com`;
                assert.deepEqual(hosts.one(CERTIFICATE, `edge-cert-${name}`).inputs.managed.domains, [host]);
                assert.deepEqual(hosts.one(DNS_AUTHORIZATION, `edge-dns-auth-${name}`).inputs.domain, host);
                const entry = hosts.one(MAP_ENTRY, `edge-cert-entry-${name}`).inputs;
                assert.deepEqual([entry.hostname, entry.certificates], [host, [`edge-cert-${name}-id`]]);
            }
            assert.equal(hosts.ofType(CERTIFICATE).length, 2);
            assert.deepEqual((hosts.run.outputs.certificateDnsRecords as { name: string }[]).map((r) => r.name),
                ["_acme-challenge_k3x9q2.research-agent.agents.example.com.", "_acme-challenge_k3x9q2.support-agent.agents.example.com."]);
        });

        it("adding an agent adds its certificate, authorization and entry and changes no other one", async () => {
            const before = await edge(gcpStack({ agents: two }));
            const after = await edge(gcpStack({ agents: [...two, gcpAgent("billing-agent")] }));
            for (const type of [CERTIFICATE, DNS_AUTHORIZATION, MAP_ENTRY, "gcp:certificatemanager/certificateMap:CertificateMap"]) {
                const later = new Map(after.ofType(type).map((r) => [r.urn, r.inputs]));
                for (const existing of before.ofType(type)) assert.deepEqual(later.get(existing.urn), existing.inputs, `${existing.urn} changed`);
                assert.equal(after.ofType(type).length - before.ofType(type).length, type.endsWith("CertificateMap") ? 0 : 1);
            }
            assert.deepEqual(after.one(CERTIFICATE, "edge-cert-billing-agent").inputs.managed.domains, ["billing-agent.agents.example.com"]);
        });

        it("path routing: one certificate for the shared host; the prefix is stripped", async () => {
            const paths = await edge(gcpStack({ agents: two, loadBalancer: { domain: "agents.example.com", routing: "path" } }));
            assert.deepEqual(paths.ofType(CERTIFICATE).map((c) => c.inputs.managed.domains), [["agents.example.com"]]);
            const [rule] = route(paths, "support-agent").rules;
            assert.deepEqual(rule.matches, [{ path: { type: "PathPrefix", value: "/support-agent" } }]);
            assert.deepEqual(rule.filters, [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } }]);
        });
    });
});
