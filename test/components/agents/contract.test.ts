// The agent container contract (components/agents/contract.ts) and the edge in front of it: port and probes
// as ADK serves them, the timeout budget and its contradictions, authentication at the load
// balancer with its secrets kept secret, and ADK's development endpoints closed outside dev.
import * as assert from "node:assert/strict";
import { AWS_AUTH, AWS_COGNITO_AUTH, AWS_LOAD_BALANCER, awsStack, configProblems, container, GCP_AUTH, gcpStack, IAP_CLIENT_SECRET, IMAGE, OIDC_CLIENT_SECRET, planFor, SMALL_RESOURCES } from "../../fixtures";
import { Plan, RecordedResource, SECRET } from "../../../tools/mockRuntime";
import { planDocument } from "../../../tools/plan";
import { DEPLOYMENT, LISTENER, ROUTE, RULE } from "../../../tools/resourceTypes";

const BACKEND_POLICY = "kubernetes:networking.gke.io/v1:GCPBackendPolicy";

const envOf = (d: RecordedResource) => Object.fromEntries(container(d).env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]));
const agent = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: IMAGE, resources: SMALL_RESOURCES, ...extra });

describe("the agent container contract", () => {
    describe("port, command and probes", () => {
        let plan: Plan;
        before(async () => {
            plan = await planFor(awsStack());
        });

        it("listens on ADK's port 8000 and tells the agent so in PORT", () => {
            const c = container(plan.one(DEPLOYMENT, "research-agent-stable"));
            assert.deepEqual(c.ports, [{ name: "http", containerPort: 8000, protocol: "TCP" }]);
            assert.equal(envOf(plan.one(DEPLOYMENT, "research-agent-stable")).PORT, "8000");
        });

        it("probes ADK's /health for startup, liveness and readiness, by the port's name", () => {
            const c = container(plan.one(DEPLOYMENT, "research-agent-stable"));
            for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) assert.deepEqual(probe.httpGet, { path: "/health", port: "http" });
            assert.ok(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds >= 120, "slow imports get minutes, not seconds");
        });

        it("health-checks /health at the ALB too, and lets the ALB reach port 8000 only", () => {
            const group = plan.ofType("aws:lb/targetGroup:TargetGroup")[0];
            assert.equal(group.inputs.healthCheck.path, "/health");
            assert.equal(group.inputs.port, 8000);
            assert.deepEqual(plan.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => r.inputs.fromPort), [8000]);
        });

        it("runs an exec-form command whose $(PORT) the kubelet expands, and the image's own when none is set", async () => {
            const custom = await planFor(awsStack({ agents: [agent("research-agent", { port: 9000, command: ["adk"], args: ["api_server", "--host=0.0.0.0", "--port=$(PORT)", "/app/agents"] })] }));
            const c = container(custom.one(DEPLOYMENT, "research-agent-stable"));
            assert.deepEqual(c.command, ["adk"]);
            assert.deepEqual(c.args, ["api_server", "--host=0.0.0.0", "--port=$(PORT)", "/app/agents"]);
            assert.equal(c.env[0].name, "PORT", "defined before anything that refers to it");
            assert.equal(envOf(custom.one(DEPLOYMENT, "research-agent-stable")).PORT, "9000");
            assert.equal(container(plan.one(DEPLOYMENT, "research-agent-stable")).command, undefined);
        });

        it("refuses an agent env that would shadow the contract's variables, naming the key", async () => {
            const problems = await configProblems(awsStack({ agents: [agent("research-agent", { env: { PORT: "8080" } })] }));
            assert.ok(problems.some((p) => p.startsWith("adk-platform:agents[0].env.PORT: is set by the platform")), problems.join("\n"));
        });
    });

    describe("the timeout budget", () => {
        it("keeps the agent's connections open past the ALB's idle timeout, and shuts down before SIGKILL", async () => {
            const plan = await planFor(awsStack({ loadBalancer: { ...AWS_LOAD_BALANCER, idleTimeoutSeconds: 600 }, agents: [agent("research-agent", { drainSeconds: 15, shutdownSeconds: 300 })] }));
            const deployment = plan.one(DEPLOYMENT, "research-agent-stable");
            const env = envOf(deployment);
            assert.equal(plan.one("aws:lb/loadBalancer:LoadBalancer", "edge").inputs.idleTimeout, 600);
            assert.equal(env.UVICORN_TIMEOUT_KEEP_ALIVE, "605");
            assert.equal(env.UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN, "295");
            assert.equal(deployment.inputs.spec.template.spec.terminationGracePeriodSeconds, 315);
        });

        it("on GCP, outlasts the front ends' fixed 600 s backend keep-alive and sets the backend timeout", async () => {
            const plan = await planFor(gcpStack({ loadBalancer: { domain: "agents.example.com", idleTimeoutSeconds: 900 } }));
            assert.equal(envOf(plan.one(DEPLOYMENT, "research-agent-stable")).UVICORN_TIMEOUT_KEEP_ALIVE, "605");
            assert.equal(plan.ofType(BACKEND_POLICY)[0].inputs.spec.default.timeoutSec, 900);
        });

        it("refuses a keep-alive that the load balancer would outlast, naming the agent's key", async () => {
            const aws = await configProblems(awsStack({ loadBalancer: { ...AWS_LOAD_BALANCER, idleTimeoutSeconds: 600 }, agents: [agent("research-agent", { keepAliveSeconds: 600 })] }));
            assert.ok(aws.some((p) => /^adk-platform:agents\[0\]\.keepAliveSeconds: must be greater than loadBalancer\.idleTimeoutSeconds \(600\)/.test(p)), aws.join("\n"));
            const gcp = await configProblems(gcpStack({ agents: [{ name: "research-agent", image: IMAGE, keepAliveSeconds: 75 }] }));
            assert.ok(gcp.some((p) => /^adk-platform:agents\[0\]\.keepAliveSeconds: must be greater than the 600 s/.test(p)), gcp.join("\n"));
        });
    });
});

describe("authentication at the edge", () => {
    describe("AWS: authenticate-oidc before every forward", () => {
        let plan: Plan;
        before(async () => {
            plan = await planFor(awsStack({
                environment: "prod",
                agents: [agent("research-agent", { strategy: "ab-testing", canary: { tag: "1.5.0", header: { name: "x-variant", value: "b" } } }), agent("support-agent")],
            }));
        });

        it("gives every agent rule an OIDC action before its forward, the whole action list secret because the client secret is", () => {
            // The engine marks a property secret as a whole when any value inside it is (the
            // harness masks every leaf and keeps the shape).
            const rules = plan.ofType(RULE).filter((r) => r.inputs.tags.agent !== undefined);
            assert.equal(rules.length, 3);
            for (const rule of rules) {
                const [authenticate, forward] = rule.inputs.actions;
                assert.deepEqual(Object.keys(authenticate).sort(), ["authenticateOidc", "order", "type"]);
                assert.equal(authenticate.authenticateOidc.clientSecret, SECRET);
                assert.ok("forward" in forward || "targetGroupArn" in forward, JSON.stringify(forward));
                assert.equal(rule.inputs.tags["adk-platform/public"], undefined);
            }
        });

        it("lets the ALB out to the identity provider on HTTPS, and no further", () => {
            const egress = plan.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => [r.name, r.inputs.cidrIpv4, r.inputs.fromPort]);
            assert.deepEqual(egress.sort(), [["edge-out-8000", "10.0.0.0/16", 8000], ["edge-out-idp", "0.0.0.0/0", 443]]);
        });

        it("never writes the client secret in clear into plan.json", () => {
            const text = JSON.stringify(planDocument(plan));
            assert.ok(!text.includes(OIDC_CLIENT_SECRET));
        });

        it("authenticates a single agent's default action, with Cognito as the alternative", async () => {
            const cognito = { cognito: { ...AWS_COGNITO_AUTH.cognito, onUnauthenticated: "deny" } };
            const single = await planFor(awsStack({ environment: "prod", loadBalancer: { ...AWS_LOAD_BALANCER, auth: cognito } }));
            const actions = single.one(LISTENER, "edge-https").inputs.defaultActions;
            assert.deepEqual(actions.map((a: any) => [a.type, a.order]), [["authenticate-cognito", 1], ["forward", 2]]);
            assert.equal(actions[0].authenticateCognito.onUnauthenticatedRequest, "deny");
        });
    });

    describe("GCP: Identity-Aware Proxy on every backend", () => {
        let plan: Plan;
        before(async () => {
            plan = await planFor(gcpStack({ environment: "prod", agents: [{ name: "research-agent", image: IMAGE, canary: { tag: "1.5.0", weight: 10 } }] }));
        });

        it("enables IAP on each track's backend policy with the OAuth client from a Kubernetes Secret", () => {
            const secret = plan.one("kubernetes:core/v1:Secret", "edge-iap-oauth");
            assert.deepEqual(secret.inputs.stringData, { key: SECRET });
            const policies = plan.ofType(BACKEND_POLICY);
            assert.equal(policies.length, 2);
            for (const policy of policies) {
                assert.deepEqual(policy.inputs.spec.default.iap, { enabled: true, oauth2ClientSecret: { name: secret.inputs.metadata.name ?? secret.state.metadata.name }, clientID: GCP_AUTH.iap.oauthClientId });
            }
        });

        it("lets the configured members through IAP, and enables the IAP API", () => {
            const grants = plan.ofType("gcp:projects/iAMMember:IAMMember").filter((g) => g.inputs.role === "roles/iap.httpsResourceAccessor");
            assert.deepEqual(grants.map((g) => [g.inputs.member, g.inputs.project]), [["group:agent-users@example.com", "adk-prod-123"]]);
            assert.ok(plan.ofType("gcp:projects/service:Service").some((s) => s.inputs.service === "iap.googleapis.com"));
        });

        it("never writes the OAuth client secret in clear", () => {
            assert.ok(!JSON.stringify(planDocument(plan)).includes(IAP_CLIENT_SECRET));
        });
    });

    describe("refusals and explicit public agents", () => {
        it("refuses a prod or staging stack with neither authentication nor public, naming loadBalancer.auth", async () => {
            for (const environment of ["prod", "staging"]) {
                const problems = await configProblems(awsStack({ environment, loadBalancer: { ...AWS_LOAD_BALANCER, auth: undefined } }));
                assert.ok(problems.some((p) => p.startsWith(`adk-platform:loadBalancer.auth: is required in ${environment}`)), problems.join("\n"));
            }
        });

        it("refuses authentication of the other cloud, and never echoes the secret", async () => {
            const problems = await configProblems(gcpStack({ environment: "prod", loadBalancer: { domain: "agents.example.com", auth: AWS_AUTH } }));
            assert.ok(problems.some((p) => p.startsWith("adk-platform:loadBalancer.auth.oidc: only applies on aws")), problems.join("\n"));
            const malformed = await configProblems(awsStack({ environment: "prod", loadBalancer: { ...AWS_LOAD_BALANCER, auth: { oidc: { ...AWS_AUTH.oidc, clientSecret: 12345 } } } }));
            const line = malformed.find((p) => p.startsWith("adk-platform:loadBalancer.auth.oidc.clientSecret"));
            assert.ok(line && /value not shown: it is secret/.test(line) && !line.includes("12345"), malformed.join("\n"));
        });

        it("accepts an explicitly public agent in prod without authentication, tags its route public, and says so", async () => {
            const plan = await planFor(awsStack({ environment: "prod", loadBalancer: { ...AWS_LOAD_BALANCER, auth: undefined }, agents: [agent("research-agent", { public: true }), agent("support-agent", { public: true })] }));
            for (const rule of plan.ofType(RULE).filter((r) => r.inputs.tags.agent !== undefined)) {
                assert.equal(rule.inputs.tags["adk-platform/public"], "true");
                assert.deepEqual(rule.inputs.actions.map((a: any) => a.type), ["forward"]);
            }
            assert.deepEqual(plan.run.outputs.publicAgents, ["research-agent", "support-agent"]);
        });

        it("authenticates the other agents when one is public", async () => {
            const plan = await planFor(gcpStack({ environment: "prod", agents: [{ name: "research-agent", image: IMAGE, public: true }, { name: "support-agent", image: IMAGE }] }));
            const byAgent = Object.fromEntries(plan.ofType(BACKEND_POLICY).map((p) => [p.inputs.metadata.labels.app, p.inputs]));
            assert.equal(byAgent["research-agent"].spec.default.iap, undefined);
            assert.equal(byAgent["research-agent"].metadata.labels["adk-platform/public"], "true");
            assert.equal(byAgent["support-agent"].spec.default.iap.enabled, true);
        });
    });
});

describe("ADK's development endpoints", () => {
    it("AWS: outside dev one rule in the platform's slot answers them 404 on every host, before any agent's rule", async () => {
        const plan = await planFor(awsStack({ environment: "staging", agents: [agent("research-agent"), agent("support-agent")] }));
        const rule = plan.one(RULE, "edge-dev-paths");
        assert.equal(rule.inputs.priority, 1);
        assert.deepEqual(rule.inputs.conditions, [{ pathPattern: { regexValues: ["^/(dev-ui|dev|debug|config/telemetry)(/.*)?$"] } }]);
        assert.equal(rule.inputs.actions[0].fixedResponse.statusCode, "404");
        const others = plan.ofType(RULE).filter((r) => r !== rule).map((r) => r.inputs.priority);
        assert.ok(others.every((p: number) => p > 2), others.join());
        const regex = new RegExp(rule.inputs.conditions[0].pathPattern.regexValues[0]);
        for (const path of ["/dev-ui", "/dev-ui/", "/dev/apps/a/eval-sets", "/debug/trace/1", "/config/telemetry"]) assert.ok(regex.test(path), path);
        for (const path of ["/run_sse", "/apps/dev/users/u/sessions", "/health", "/developer"]) assert.ok(!regex.test(path), path);
    });

    it("AWS: with path routing the agent's prefix comes first; in dev nothing is closed", async () => {
        const staging = await planFor(awsStack({ environment: "staging", loadBalancer: { ...AWS_LOAD_BALANCER, routing: "path", auth: AWS_AUTH }, agents: [agent("research-agent"), agent("support-agent")] }));
        const regex = new RegExp(staging.one(RULE, "edge-dev-paths").inputs.conditions[0].pathPattern.regexValues[0]);
        assert.ok(regex.test("/research-agent/dev-ui/") && !regex.test("/research-agent/run_sse"));
        const dev = await planFor(awsStack());
        assert.equal(dev.ofType(RULE).length, 0);
    });

    it("AWS: refuses an agent whose rule slot is the platform's", async () => {
        const problems = await configProblems(awsStack({ agents: [agent("research-agent", { priority: 1 })] }));
        assert.ok(problems.some((p) => p.startsWith("adk-platform:agents[0].priority: listener rule slot 1 (set by priority) is the platform's own")), problems.join("\n"));
    });

    it("GCP: outside dev each route sends them to no backend, ahead of the agent's own rules", async () => {
        const plan = await planFor(gcpStack({ environment: "prod", loadBalancer: { domain: "agents.example.com", routing: "path", auth: GCP_AUTH }, agents: [{ name: "research-agent", image: IMAGE }, { name: "support-agent", image: IMAGE }] }));
        const route = plan.ofType(ROUTE).find((r) => r.inputs.metadata.name === "research-agent")!;
        const [closed, served] = route.inputs.spec.rules;
        assert.equal(closed.backendRefs, undefined);
        assert.deepEqual(closed.matches.map((m: any) => m.path.value), ["/research-agent/dev-ui", "/research-agent/dev", "/research-agent/debug", "/research-agent/config/telemetry"]);
        assert.ok(served.backendRefs.length > 0);
        const dev = await planFor(gcpStack());
        assert.equal(dev.ofType(ROUTE).find((r) => r.inputs.metadata.name === "research-agent")!.inputs.spec.rules.length, 1);
    });
});
