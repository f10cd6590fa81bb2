import * as assert from "node:assert/strict";
import { LIMITS } from "../../../components/edge/limits";
import { AWS_LOAD_BALANCER, awsStack, gcpStack, IMAGE, problemsOf } from "../../fixtures";

const agents = (n: number, fields: (i: number) => Record<string, unknown> = () => ({})) =>
    Array.from({ length: n }, (_, i) => ({ name: `agent-${i}`, image: IMAGE, ...fields(i) }));
const header = { strategy: "ab-testing", canary: { tag: "2", header: { name: "x-variant", value: "b" } } };
const canary = { canary: { tag: "2" } };
const ipv4 = (n: number) => Array.from({ length: n }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
const ipv6 = (n: number) => Array.from({ length: n }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
const awsLb = (fields: Record<string, unknown>) => ({ loadBalancer: { ...AWS_LOAD_BALANCER, ...fields } });
const gcpLb = (fields: Record<string, unknown>) => ({ loadBalancer: { domain: "agents.example.com", waf: true, ...fields } });

/** Per row: the config at the edge, the config one past it, and the start of the line that refuses it. */
const EDGES: [keyof typeof LIMITS, Record<string, unknown>, Record<string, unknown>, string][] = [
    // 50 agents with a header rule each: 50 host rules and 50 header rules.
    ["albRules", awsStack({ agents: agents(50, () => header) }), awsStack({ agents: agents(51, (i) => (i === 0 ? {} : header)) }),
        "adk-platform:agents: needs 101 listener rules, more than the 100 rules one ALB may have"],
    ["albTargetGroups", awsStack({ agents: agents(50, () => canary) }), awsStack({ agents: agents(51, () => canary) }),
        "adk-platform:agents: needs 102 target groups, more than the 100 target groups one ALB can use (a hard limit"],
    // 443 and 80 per CIDR; IPv4 and IPv6 rules are counted apart.
    ["securityGroupInbound", awsStack(awsLb({ ingressCidrs: [...ipv4(30), ...ipv6(30)] })), awsStack(awsLb({ ingressCidrs: ipv4(31) })),
        "adk-platform:loadBalancer.ingressCidrs: needs 62 inbound security group rules, more than the 60"],
    ["securityGroupOutbound", awsStack({ agents: agents(60, (i) => ({ port: 8000 + i })) }), awsStack({ agents: agents(61, (i) => ({ port: 8000 + i })) }),
        "adk-platform:agents: needs 61 outbound security group rules, more than the 60"],
    // Three pod ranges per port: 20 ports hold 60 rules.
    ["securityGroupOutbound", awsStack({ ...awsLb({ aws: { ...AWS_LOAD_BALANCER.aws, podCidrs: ipv4(3) } }), agents: agents(20, (i) => ({ port: 8000 + i })) }),
        awsStack({ ...awsLb({ aws: { ...AWS_LOAD_BALANCER.aws, podCidrs: ipv4(3) } }), agents: agents(21, (i) => ({ port: 8000 + i })) }),
        "adk-platform:agents: needs 63 outbound security group rules, more than the 60"],
    // An agent's termination budget is its target group's deregistration delay, or its backend's draining timeout.
    ["albDeregistrationDelay", awsStack({ agents: agents(1, () => ({ drainSeconds: 300, shutdownSeconds: 3300 })) }), awsStack({ agents: agents(2, (i) => ({ drainSeconds: 300, shutdownSeconds: 3300 + i })) }),
        "adk-platform:agents[1].shutdownSeconds: needs 3601 seconds of termination budget (drainSeconds + shutdownSeconds), more than the 3600"],
    ["gkeConnectionDraining", gcpStack({ agents: agents(1, () => ({ drainSeconds: 0, shutdownSeconds: 3600 })) }), gcpStack({ agents: agents(1, () => ({ drainSeconds: 1, shutdownSeconds: 3600 })) }),
        "adk-platform:agents[0].shutdownSeconds: needs 3601 seconds of termination budget"],
    ["wafRateMinimum", awsStack(awsLb({ waf: true, wafRateLimit: 10 })), awsStack(awsLb({ waf: true, wafRateLimit: 9 })),
        "adk-platform:loadBalancer.wafRateLimit: is 9 requests per 5 minutes, below 10"],
    ["armorThrottleCount", gcpStack(gcpLb({ wafRateLimit: 1_000_000 })), gcpStack(gcpLb({ wafRateLimit: 1_000_001 })),
        "adk-platform:loadBalancer.wafRateLimit: needs 1000001 requests per 5 minutes, more than the 1000000"],
    // 6 WAF rules, a throttle per 10 CIDRs and the default rule: 193 throttles hold 1930 CIDRs.
    ["armorRules", gcpStack(gcpLb({ ingressCidrs: ipv4(1930) })), gcpStack(gcpLb({ ingressCidrs: ipv4(1931) })),
        "adk-platform:loadBalancer.ingressCidrs: needs 201 Cloud Armor rules, more than the 200"],
];

describe("cloud limits (components/edge/limits.ts)", () => {
    it("gives every row a value, a kind and a source", () => {
        for (const [id, limit] of Object.entries(LIMITS)) {
            assert.ok(limit.value > 0 && typeof limit.adjustable === "boolean", id);
            assert.match(limit.source, /https:\/\/|terraform-provider-google/, id);
        }
    });

    for (const [id, edge, past, line] of EDGES) {
        describe(id, () => {
            it("accepts the edge", async () => {
                const lines = await problemsOf(edge);
                const limit = LIMITS[id];
                const about = lines.filter((l) => l.includes(limit.unit) && l.includes(limit.source));
                assert.deepEqual(about, []);
            });

            it("refuses one past it, naming the key", async () => {
                const lines = await problemsOf(past);
                assert.ok(lines.some((l) => l.startsWith(line)), `expected a line starting with\n  ${line}\ngot\n  ${lines.join("\n  ")}`);
            });
        });
    }

    it("checks the WAF's rate limit only when there is a WAF", async () => {
        assert.deepEqual(await problemsOf(awsStack(awsLb({ waf: false, wafRateLimit: 9 }))), []);
        assert.deepEqual(await problemsOf(gcpStack({ loadBalancer: { domain: "agents.example.com", wafRateLimit: 1_000_001 } })), []);
    });

    it("applies only the limits of the stack's cloud", async () => {
        assert.deepEqual(await problemsOf(gcpStack(gcpLb({ ingressCidrs: ipv4(31) }))), []);
    });
});
