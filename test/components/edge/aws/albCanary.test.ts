import * as assert from "node:assert/strict";
import { DEFAULT_SSL_POLICY } from "../../../../components/edge/config";
import { AWS_COGNITO_AUTH, AWS_LOAD_BALANCER, awsAgent, awsStack, IMAGE } from "../../../fixtures";
import { canaryEdge, componentPlan } from "../../../componentFixtures";
import { Plan } from "../../../../tools/mockRuntime";
import { BINDING, LISTENER, RULE, TARGET_GROUP } from "../../../../tools/resourceTypes";

/** The load balancer in front of the stack's agents, built on its own. */
const edge = (stack: Record<string, unknown>) => componentPlan(stack, canaryEdge);
const canary = (weight: number) => awsAgent("research-agent", { strategy: "canary", canary: { tag: "1.5.0", weight } });

/** The target group ARN a forward action entry points at, as the mock provider names it. */
/** The agents' own objects of a kind, not what other concerns (collectors, ...) add. */
function agentObjects(plan: Plan, type: string) {
    return plan.ofType(type).filter((r) => r.inputs.metadata?.labels?.component === "adk-agent");
}

/** A target group as `<agent>-<track>`, from its tags: its logical name shortens long agent names. */
function groupName(plan: Plan, arn: string): string {
    const { agent, track } = plan.ofType(TARGET_GROUP).find((g) => g.state.arn === arn)!.inputs.tags;
    return `${agent}-${track}`;
}

function targetGroup(plan: Plan, agent: string, track: string) {
    const found = plan.ofType(TARGET_GROUP).filter((g) => g.inputs.tags.agent === agent && g.inputs.tags.track === track);
    assert.equal(found.length, 1, `target groups of ${agent} ${track}`);
    return found[0];
}

function weightsOf(plan: Plan, forward: { targetGroups: { arn: string; weight: number }[] }): Record<string, number> {
    return Object.fromEntries(forward.targetGroups.map((g) => [groupName(plan, g.arn), g.weight]));
}

describe("AlbCanary (AWS)", () => {
    describe("one canary agent", () => {
        let plan: Plan;
        before(async () => {
            plan = await edge(awsStack({ agents: [{ ...canary(20), drainSeconds: 25, readyPath: "/ready" }] }));
        });

        it("redirects HTTP on 80 to HTTPS 443 with a 301 and does nothing else", () => {
            const http = plan.one(LISTENER, "edge-http").inputs;
            assert.equal(http.port, 80);
            assert.equal(http.protocol, "HTTP");
            assert.deepEqual(http.defaultActions, [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
        });

        it("terminates HTTPS on 443 with a TLS 1.3 policy, never a TLS 1.2-only policy such as TLS-1-2-2019-07", () => {
            const https = plan.one(LISTENER, "edge-https").inputs;
            assert.equal(https.port, 443);
            assert.equal(https.protocol, "HTTPS");
            assert.equal(https.sslPolicy, DEFAULT_SSL_POLICY);
            assert.match(https.sslPolicy, /^ELBSecurityPolicy-TLS13-/);
        });

        it("serves the certificate only after DNS validation in the configured zone", () => {
            const cert = plan.one("aws:acm/certificate:Certificate", "edge-cert").inputs;
            assert.equal(cert.domainName, "agents.example.com");
            assert.equal(cert.validationMethod, "DNS");
            const record = plan.one("aws:route53/record:Record", "edge-cert-validation-agents.example.com").inputs;
            assert.equal(record.zoneId, AWS_LOAD_BALANCER.aws.hostedZoneId);
            assert.equal(record.type, "CNAME");
            const validation = plan.one("aws:acm/certificateValidation:CertificateValidation", "edge-cert-validation");
            assert.equal(plan.one(LISTENER, "edge-https").inputs.certificateArn, validation.state.certificateArn);
        });

        it("splits traffic by the configured weight, the rest to stable, as the listener's default action", () => {
            const [action] = plan.one(LISTENER, "edge-https").inputs.defaultActions;
            assert.equal(action.type, "forward");
            assert.deepEqual(weightsOf(plan, action.forward), { "research-agent-stable": 80, "research-agent-canary": 20 });
            assert.equal(action.forward.stickiness.enabled, false);
            assert.equal(plan.ofType(RULE).length, 0, "one agent needs no listener rule");
        });

        it("targets pod IPs, health-checks the readiness path with the platform's thresholds, drains for the whole termination budget", () => {
            for (const track of ["stable", "canary"]) {
                const group = targetGroup(plan, "research-agent", track).inputs;
                assert.equal(group.targetType, "ip");
                assert.equal(group.port, 8000);
                assert.equal(group.vpcId, AWS_LOAD_BALANCER.aws.vpcId);
                // drainSeconds 25 + shutdownSeconds 300: in-flight requests go on until the pod must exit.
                assert.equal(group.deregistrationDelay, 25 + 300);
                assert.deepEqual(
                    { path: group.healthCheck.path, interval: group.healthCheck.interval, timeout: group.healthCheck.timeout, healthy: group.healthCheck.healthyThreshold, unhealthy: group.healthCheck.unhealthyThreshold, matcher: group.healthCheck.matcher },
                    { path: "/ready", interval: 30, timeout: 5, healthy: 2, unhealthy: 3, matcher: "200" },
                );
            }
            const preStop = agentObjects(plan, "kubernetes:apps/v1:Deployment")[0].inputs.spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds;
            assert.equal(preStop, 25);
        });

        it("binds each Service to its own target group, once", () => {
            const bindings = plan.ofType(BINDING);
            const services = agentObjects(plan, "kubernetes:core/v1:Service");
            assert.equal(bindings.length, services.length);
            for (const service of services) {
                const binding = bindings.filter((b) => b.inputs.spec.serviceRef.name === service.inputs.metadata.name);
                assert.equal(binding.length, 1, `bindings for ${service.inputs.metadata.name}`);
                const { spec } = binding[0].inputs;
                assert.equal(spec.serviceRef.port, service.inputs.spec.ports[0].port);
                assert.equal(spec.targetType, "ip");
                const track = service.inputs.metadata.labels.track;
                assert.equal(spec.targetGroupARN, targetGroup(plan, "research-agent", track).state.arn);
                // The mock provider's id for the ALB's security group "edge-sg".
                assert.equal(spec.networking.ingress[0].from[0].securityGroup.groupID, "edge-sg-id");
                assert.deepEqual(spec.networking.ingress[0].ports, [{ protocol: "TCP", port: 8000 }]);
            }
        });

        it("replaces a binding, deleting it first, when a field the controller keeps immutable changes", () => {
            for (const binding of plan.ofType(BINDING)) {
                assert.deepEqual(binding.replaceOnChanges, ["spec.targetGroupARN", "spec.targetType", "spec.ipAddressType", "spec.vpcID"]);
                assert.equal(binding.deleteBeforeReplace, true, "its fixed name cannot exist twice");
            }
        });

        it("is internet-facing in the configured subnets, drops invalid headers, keeps long responses open", () => {
            const alb = plan.one("aws:lb/loadBalancer:LoadBalancer", "edge").inputs;
            assert.equal(alb.internal, false);
            assert.deepEqual(alb.subnets, AWS_LOAD_BALANCER.aws.publicSubnetIds);
            assert.equal(alb.dropInvalidHeaderFields, true);
            assert.equal(alb.idleTimeout, 300);
            assert.equal(alb.enableDeletionProtection, false, "dev");
            assert.equal(plan.one("aws:lb/loadBalancer:LoadBalancer", "edge").protect, false);
        });

        it("opens 80 and 443 to the ingress CIDRs and lets out only the agent port, into the VPC", () => {
            const ingress = plan.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => `${r.inputs.cidrIpv4}:${r.inputs.fromPort}-${r.inputs.toPort}`);
            assert.deepEqual(ingress.sort(), ["0.0.0.0/0:443-443", "0.0.0.0/0:80-80"]);
            const egress = plan.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => r.inputs);
            assert.deepEqual(egress.map((r) => [r.cidrIpv4, r.fromPort, r.toPort]), [["10.0.0.0/16", 8000, 8000]]);
        });

        it("reaches pods in the configured pod ranges (secondary CIDRs, custom networking), each its own rule", async () => {
            const podCidrs = ["100.64.0.0/16", "2001:db8:1::/56"];
            const withPods = await edge(awsStack({ loadBalancer: { ...AWS_LOAD_BALANCER, aws: { ...AWS_LOAD_BALANCER.aws, podCidrs } } }));
            const egress = withPods.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
            assert.deepEqual(egress.map((r) => [r.name, r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6, r.inputs.fromPort]), [
                ["edge-out-8000-100-64-0-0-16", "100.64.0.0/16", 8000],
                ["edge-out-8000-2001-db8-1-56", "2001:db8:1::/56", 8000],
            ]);
        });

        it("writes access logs to its bucket and no WAF in dev", () => {
            const alb = plan.one("aws:lb/loadBalancer:LoadBalancer", "edge").inputs;
            assert.equal(alb.accessLogs.enabled, true);
            assert.equal(alb.accessLogs.bucket, plan.one("aws:s3/bucket:Bucket", "edge-logs").state.bucket);
            assert.equal(plan.ofType("aws:wafv2/webAcl:WebAcl").length, 0);
        });

        it("aliases the domain to the ALB and exports URL and DNS name", () => {
            const alias = plan.one("aws:route53/record:Record", "edge-alias-agents.example.com").inputs;
            assert.equal(alias.type, "A");
            assert.equal(alias.aliases[0].name, "edge-1234567890.eu-west-1.elb.amazonaws.com");
            assert.equal(plan.run.outputs.url, "https://agents.example.com");
            assert.equal(plan.run.outputs.loadBalancerDnsName, "edge-1234567890.eu-west-1.elb.amazonaws.com");
            const backends = plan.run.outputs.backends as Record<string, Record<string, string>>;
            assert.equal(backends["research-agent"].canary, targetGroup(plan, "research-agent", "canary").state.arn);
        });
    });

    it("rolling: one target group, all traffic to stable", async () => {
        const plan = await edge(awsStack());
        assert.deepEqual(plan.ofType(TARGET_GROUP).map((g) => `${g.inputs.tags.agent}-${g.inputs.tags.track}`), ["research-agent-stable"]);
        const [action] = plan.one(LISTENER, "edge-https").inputs.defaultActions;
        assert.deepEqual(weightsOf(plan, action.forward), { "research-agent-stable": 100 });
        assert.equal(plan.ofType(BINDING).length, 1);
    });

    it("canary weights follow config: 0 and 100 are allowed", async () => {
        for (const weight of [0, 100]) {
            const plan = await edge(awsStack({ agents: [canary(weight)] }));
            const [action] = plan.one(LISTENER, "edge-https").inputs.defaultActions;
            assert.deepEqual(weightsOf(plan, action.forward), { "research-agent-stable": 100 - weight, "research-agent-canary": weight });
        }
    });

    it("ab-testing: the header goes to canary in a rule ahead of the default, the rest to stable", async () => {
        const plan = await edge(awsStack({ agents: [{ name: "research-agent", image: IMAGE, strategy: "ab-testing", canary: { tag: "2.0.0", header: { name: "x-agent-variant", value: "canary" } } }] }));
        const rule = plan.one(RULE, "edge-research-agent-header").inputs;
        assert.deepEqual(rule.conditions, [{ httpHeader: { httpHeaderName: "x-agent-variant", values: ["canary"] } }]);
        assert.equal(groupName(plan, rule.actions[0].targetGroupArn), "research-agent-canary");
        const [action] = plan.one(LISTENER, "edge-https").inputs.defaultActions;
        assert.deepEqual(weightsOf(plan, action.forward), { "research-agent-stable": 100, "research-agent-canary": 0 });
    });

    describe("blue-green", () => {
        const blueGreen = (active: string) => awsStack({ agents: [{ name: "research-agent", image: IMAGE, strategy: "blue-green", canary: { tag: "2.0.0", active, header: { name: "x-agent-preview", value: "1" } } }] });

        for (const [active, live, idle] of [["blue", "stable", "canary"], ["green", "canary", "stable"]]) {
            it(`${active} active: 100% to the ${live} track, the preview header reaches the idle one`, async () => {
                const plan = await edge(blueGreen(active));
                const [action] = plan.one(LISTENER, "edge-https").inputs.defaultActions;
                assert.deepEqual(weightsOf(plan, action.forward), { [`research-agent-${live}`]: 100, [`research-agent-${idle}`]: 0 });
                const rule = plan.one(RULE, "edge-research-agent-header").inputs;
                assert.equal(groupName(plan, rule.actions[0].targetGroupArn), `research-agent-${idle}`);
            });
        }

        it("runs both colours at full size, so that the switch needs no scale-up", async () => {
            const plan = await edge(blueGreen("blue"));
            const replicas = agentObjects(plan, "kubernetes:apps/v1:Deployment").map((d) => d.inputs.spec.replicas);
            assert.deepEqual(replicas, [1, 1]);
            const prod = await edge(awsStack({ environment: "prod", agents: [{ name: "research-agent", image: IMAGE, strategy: "blue-green", canary: { tag: "2.0.0" } }] }));
            assert.deepEqual(agentObjects(prod, "kubernetes:apps/v1:Deployment").map((d) => d.inputs.spec.replicas), [3, 3]);
        });
    });

    describe("several agents", () => {
        const agents = [canary(10), awsAgent("support-agent")];

        it("host routing: each agent on <agent>.<domain> with its own weights; unknown hosts get 404", async () => {
            const plan = await edge(awsStack({ agents }));
            const [fallback] = plan.one(LISTENER, "edge-https").inputs.defaultActions;
            assert.equal(fallback.type, "fixed-response");
            assert.equal(fallback.fixedResponse.statusCode, "404");
            const research = plan.one(RULE, "edge-research-agent").inputs;
            assert.deepEqual(research.conditions, [{ hostHeader: { values: ["research-agent.agents.example.com"] } }]);
            assert.deepEqual(weightsOf(plan, research.actions[0].forward), { "research-agent-stable": 90, "research-agent-canary": 10 });
            const support = plan.one(RULE, "edge-support-agent").inputs;
            assert.deepEqual(support.conditions, [{ hostHeader: { values: ["support-agent.agents.example.com"] } }]);
            assert.deepEqual(weightsOf(plan, support.actions[0].forward), { "support-agent-stable": 100 });
            assert.notEqual(research.priority, support.priority);
            const cert = plan.one("aws:acm/certificate:Certificate", "edge-cert").inputs;
            assert.deepEqual([cert.domainName, ...cert.subjectAlternativeNames], ["agents.example.com", "*.agents.example.com"]);
            assert.deepEqual(plan.ofType("aws:route53/record:Record").filter((r) => r.name.startsWith("edge-alias-")).map((r) => r.inputs.name).sort(),
                ["research-agent.agents.example.com", "support-agent.agents.example.com"]);
            assert.equal(plan.ofType(BINDING).length, 3);
        });

        it("path routing: /<agent> prefixes, stripped before the pods; the header rule keeps the agent's path", async () => {
            const plan = await edge(awsStack({
                loadBalancer: { ...AWS_LOAD_BALANCER, routing: "path" },
                agents: [agents[0], awsAgent("support-agent", { strategy: "ab-testing", canary: { tag: "3.0.0", header: { name: "x-v", value: "b" } } })],
            }));
            const support = plan.one(RULE, "edge-support-agent").inputs;
            assert.deepEqual(support.conditions, [{ pathPattern: { values: ["/support-agent", "/support-agent/*"] } }]);
            assert.deepEqual(support.transforms, [{ type: "url-rewrite", urlRewriteConfig: { rewrite: { regex: "^/support-agent/?(.*)$", replace: "/$1" } } }]);
            const header = plan.one(RULE, "edge-support-agent-header").inputs;
            assert.deepEqual(header.conditions, [{ httpHeader: { httpHeaderName: "x-v", values: ["b"] } }, { pathPattern: { values: ["/support-agent", "/support-agent/*"] } }]);
            assert.ok(header.priority < support.priority, "the header rule must be evaluated first");
        });

        it("gives an agent the priorities of its rule slot, header rule first, wherever it stands in the list", async () => {
            const support = awsAgent("support-agent", { priority: 42, strategy: "ab-testing", canary: { tag: "3.0.0", header: { name: "x-v", value: "b" } } });
            for (const order of [[agents[0], support], [support, agents[0]]]) {
                const plan = await edge(awsStack({ agents: order }));
                assert.deepEqual([plan.one(RULE, "edge-support-agent-header").inputs.priority, plan.one(RULE, "edge-support-agent").inputs.priority], [83, 84]);
                // Without a slot of its own, an agent's slot comes from its name, not its position.
                assert.equal(plan.one(RULE, "edge-research-agent").inputs.priority, 14634);
            }
        });
    });

    describe("prod", () => {
        let plan: Plan;
        before(async () => {
            plan = await edge(awsStack({
                environment: "prod",
                // Cognito, whose actions carry no secret, so that the forward stays readable.
                loadBalancer: { ...AWS_LOAD_BALANCER, auth: AWS_COGNITO_AUTH, stickinessSeconds: 600, aws: { ...AWS_LOAD_BALANCER.aws, certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/6f1c2a4e-8b3d-4e5f-9a7b-0c1d2e3f4a5b" } },
                agents: [canary(5)],
            }));
        });

        it("associates the WAF with the ALB", () => {
            const association = plan.one("aws:wafv2/webAclAssociation:WebAclAssociation", "edge-waf-association").inputs;
            assert.equal(association.resourceArn, plan.one("aws:lb/loadBalancer:LoadBalancer", "edge").state.arn);
        });

        it("protects the ALB from deletion, both in AWS and in Pulumi", () => {
            const alb = plan.one("aws:lb/loadBalancer:LoadBalancer", "edge");
            assert.equal(alb.inputs.enableDeletionProtection, true);
            assert.equal(alb.protect, true);
        });

        it("uses the given certificate and creates none", () => {
            assert.equal(plan.one(LISTENER, "edge-https").inputs.certificateArn, "arn:aws:acm:eu-west-1:123456789012:certificate/6f1c2a4e-8b3d-4e5f-9a7b-0c1d2e3f4a5b");
            assert.equal(plan.ofType("aws:acm/certificate:Certificate").length, 0);
        });

        it("keeps a client on its track and target when stickiness is on", () => {
            const action = plan.one(LISTENER, "edge-https").inputs.defaultActions.find((a: { type: string }) => a.type === "forward");
            assert.deepEqual(action.forward.stickiness, { enabled: true, duration: 600 });
            assert.deepEqual(targetGroup(plan, "research-agent", "canary").inputs.stickiness, { type: "lb_cookie", enabled: true, cookieDuration: 600 });
        });
    });

    it("switches the WAF off in prod, or on in dev, when the stack says so", async () => {
        const prodOff = await edge(awsStack({ environment: "prod", loadBalancer: { ...AWS_LOAD_BALANCER, waf: false } }));
        assert.equal(prodOff.ofType("aws:wafv2/webAcl:WebAcl").length, 0);
        const devOn = await edge(awsStack({ loadBalancer: { ...AWS_LOAD_BALANCER, waf: true, accessLogs: false } }));
        assert.equal(devOn.ofType("aws:wafv2/webAcl:WebAcl").length, 1);
        assert.equal(devOn.ofType("aws:s3/bucket:Bucket").length, 0);
        assert.equal(devOn.one("aws:lb/loadBalancer:LoadBalancer", "edge").inputs.accessLogs, undefined);
    });
});
