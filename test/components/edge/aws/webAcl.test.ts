import * as assert from "node:assert/strict";
import { AWS_LOAD_BALANCER, awsStack, planFor } from "../../../fixtures";

describe("WebAcl (AWS)", () => {
    it("rate-limits per IP first, then AWS managed groups, counting only the body-size rule", async () => {
        const plan = await planFor(awsStack({ environment: "prod", loadBalancer: { ...AWS_LOAD_BALANCER, wafRateLimit: 500 } }));
        const acl = plan.one("aws:wafv2/webAcl:WebAcl", "edge-waf").inputs;
        assert.equal(acl.scope, "REGIONAL");
        assert.deepEqual(acl.defaultAction, { allow: {} });
        const [rate, ...managed] = acl.rules;
        assert.equal(rate.statement.rateBasedStatement.limit, 500);
        assert.equal(rate.priority, 0);
        assert.deepEqual(managed.map((r: any) => r.statement.managedRuleGroupStatement.name),
            ["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"]);
        assert.deepEqual(managed[1].statement.managedRuleGroupStatement.ruleActionOverrides, [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
        for (const rule of acl.rules) assert.equal(rule.visibilityConfig.cloudwatchMetricsEnabled, true);
    });
});
