import * as assert from "node:assert/strict";
import { gcpStack, planFor } from "./fixtures";

describe("CloudArmorPolicy (GCP)", () => {
    it("throttles per IP at the configured rate, then the OWASP rule sets, then allows", async () => {
        const plan = await planFor(gcpStack({ environment: "prod", loadBalancer: { domain: "agents.example.com", wafRateLimit: 900 } }));
        const policy = plan.one("gcp:compute/securityPolicy:SecurityPolicy", "edge-armor").inputs;
        const [throttle, ...rest] = policy.rules;
        assert.equal(throttle.action, "throttle");
        assert.deepEqual(throttle.rateLimitOptions.rateLimitThreshold, { count: 900, intervalSec: 300 });
        const waf = rest.slice(0, -1);
        assert.ok(waf.length >= 4 && waf.every((r: any) => r.action === "deny(403)" && /evaluatePreconfiguredWaf\('(sqli|xss|lfi|rce|scannerdetection|protocolattack)-v33-stable'/.test(r.match.expr.expression)));
        assert.deepEqual([rest.at(-1).action, rest.at(-1).priority], ["allow", 2147483647]);
        assert.equal(policy.adaptiveProtectionConfig.layer7DdosDefenseConfig.enable, true);
    });

    it("turns away clients outside loadBalancer.ingressCidrs before any other rule", async () => {
        const plan = await planFor(gcpStack({ environment: "prod", loadBalancer: { domain: "agents.example.com", ingressCidrs: ["203.0.113.0/24", "2001:db8::/32"] } }));
        const [first] = plan.one("gcp:compute/securityPolicy:SecurityPolicy", "edge-armor").inputs.rules;
        assert.equal(first.action, "deny(403)");
        assert.equal(first.match.expr.expression, "!(inIpRange(origin.ip, '203.0.113.0/24') || inIpRange(origin.ip, '2001:db8::/32'))");
        const open = await planFor(gcpStack({ environment: "prod" }));
        assert.equal(open.one("gcp:compute/securityPolicy:SecurityPolicy", "edge-armor").inputs.rules[0].action, "throttle");
    });
});
