// A regional WAFv2 web ACL with AWS managed rule groups and a per-IP rate limit, associated with
// one resource (the ALB).
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";

export interface WebAclArgs {
    /** ARN of the load balancer to protect. */
    resourceArn: pulumi.Input<string>;
    /** Requests per client IP per 5 minutes before the client is blocked. */
    rateLimit: number;
}

/** Managed groups in evaluation order, with the rules that are counted rather than enforced. */
const MANAGED_GROUPS: { name: string; countOnly?: string[] }[] = [
    { name: "AWSManagedRulesAmazonIpReputationList" },
    // Agent requests carry whole conversations; the group's 8 KB body limit would block them.
    { name: "AWSManagedRulesCommonRuleSet", countOnly: ["SizeRestrictions_BODY"] },
    { name: "AWSManagedRulesKnownBadInputsRuleSet" },
];

export class WebAcl extends pulumi.ComponentResource {
    public readonly webAcl: aws.wafv2.WebAcl;
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: WebAclArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:WebAcl", name, {}, opts);
        const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });

        this.webAcl = new aws.wafv2.WebAcl(name, {
            scope: "REGIONAL",
            description: "ADK agents: AWS managed rules and a per-IP rate limit",
            defaultAction: { allow: {} },
            visibilityConfig: visibility(name),
            rules: [
                {
                    name: "rate-limit-per-ip",
                    priority: 0,
                    action: { block: {} },
                    statement: { rateBasedStatement: { limit: args.rateLimit, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
                    visibilityConfig: visibility(`${name}-rate-limit`),
                },
                ...MANAGED_GROUPS.map((group, i) => ({
                    name: group.name,
                    priority: (i + 1) * 10,
                    overrideAction: { none: {} },
                    statement: {
                        managedRuleGroupStatement: {
                            vendorName: "AWS",
                            name: group.name,
                            ruleActionOverrides: group.countOnly?.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
                        },
                    },
                    visibilityConfig: visibility(`${name}-${group.name}`),
                })),
            ],
        }, { parent: this });

        new aws.wafv2.WebAclAssociation(`${name}-association`, {
            resourceArn: args.resourceArn,
            webAclArn: this.webAcl.arn,
        }, { parent: this });

        this.arn = this.webAcl.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
