import * as assert from "node:assert/strict";
import { gcpStack, planFor } from "../../../fixtures";
import { inCidr } from "../../namespace/networkPolicyEvaluator";

interface Rule {
    priority: number;
    action: string;
    match: { versionedExpr?: string; config?: { srcIpRanges: string[] }; expr?: { expression: string } };
    rateLimitOptions?: { conformAction: string; rateLimitThreshold: { count: number; intervalSec: number } };
}

const policyRules = async (loadBalancer: Record<string, unknown>): Promise<Rule[]> =>
    (await planFor(gcpStack({ environment: "prod", loadBalancer: { domain: "agents.example.com", ...loadBalancer } })))
        .one("gcp:compute/securityPolicy:SecurityPolicy", "edge-armor").inputs.rules;

const inRanges = (ip: string, ranges: string[]) => ranges.includes("*") || ranges.some((range) => inCidr(ip, range));

/**
 * What Cloud Armor does with a benign request (no WAF signature) from `ip` that is under the rate
 * limit: the action of the highest-priority matching rule, a throttle's being its conform action.
 */
function verdict(rules: Rule[], ip: string): string {
    const sorted = [...rules].sort((a, b) => a.priority - b.priority);
    const rule = sorted.find((r) => r.match.config !== undefined && inRanges(ip, r.match.config.srcIpRanges))!;
    return rule.action === "throttle" ? rule.rateLimitOptions!.conformAction : rule.action;
}

/** Subexpressions joined by || or && in a custom rules language expression. */
const subexpressions = (expression: string) => expression.split(/\|\||&&/).length;

describe("CloudArmorPolicy (GCP)", () => {
    it("denies on the OWASP rule sets first, then throttles per IP at the configured rate, then allows", async () => {
        const rules = await policyRules({ wafRateLimit: 900 });
        const sorted = [...rules].sort((a, b) => a.priority - b.priority);
        const waf = sorted.slice(0, -2);
        assert.ok(waf.length >= 4 && waf.every((r) => r.action === "deny(403)" && /evaluatePreconfiguredWaf\('(sqli|xss|lfi|rce|scannerdetection|protocolattack)-v33-stable'/.test(r.match.expr!.expression)));
        // A throttle's conform action allows, which ends evaluation: anything after it would never run.
        const [throttle, last] = sorted.slice(-2);
        assert.equal(throttle.action, "throttle");
        assert.deepEqual(throttle.match.config!.srcIpRanges, ["*"]);
        assert.deepEqual(throttle.rateLimitOptions!.rateLimitThreshold, { count: 900, intervalSec: 300 });
        assert.deepEqual([last.action, last.priority], ["allow", 2147483647]);
    });

    it("throttles only loadBalancer.ingressCidrs and denies everyone else by default", async () => {
        const rules = await policyRules({ ingressCidrs: ["203.0.113.0/24", "2001:db8::/32"] });
        const throttles = rules.filter((r) => r.action === "throttle");
        assert.deepEqual(throttles.map((r) => r.match.config!.srcIpRanges), [["203.0.113.0/24", "2001:db8::/32"]]);
        assert.equal(rules.find((r) => r.priority === 2147483647)!.action, "deny(403)");
        assert.equal(verdict(rules, "203.0.113.9"), "allow");
        assert.equal(verdict(rules, "2001:db8::1"), "allow");
        assert.equal(verdict(rules, "198.51.100.1"), "deny(403)");
    });

    it("holds any number of CIDRs: rules of at most 10 ranges, no expression past five subexpressions, every listed CIDR allowed, others denied", async () => {
        const cidrs = [...Array.from({ length: 22 }, (_, i) => `10.${i}.0.0/16`), "2001:db8::/32"];
        const rules = await policyRules({ ingressCidrs: cidrs, wafRateLimit: 500 });
        for (const rule of rules) {
            if (rule.match.expr) assert.ok(subexpressions(rule.match.expr.expression) <= 5, rule.match.expr.expression);
            if (rule.match.config) assert.ok(rule.match.config.srcIpRanges.length <= 10);
        }
        const throttles = rules.filter((r) => r.action === "throttle");
        assert.equal(throttles.length, 3);
        assert.deepEqual(throttles.flatMap((r) => r.match.config!.srcIpRanges), cidrs);
        assert.ok(throttles.every((r) => r.rateLimitOptions!.rateLimitThreshold.count === 500));
        for (let i = 0; i < 22; i++) assert.equal(verdict(rules, `10.${i}.7.7`), "allow", `10.${i}.7.7`);
        assert.equal(verdict(rules, "2001:db8:1::5"), "allow");
        for (const outsider of ["10.22.0.1", "192.0.2.1", "2001:db9::1"]) assert.equal(verdict(rules, outsider), "deny(403)", outsider);
    });
});
