// A Cloud Armor backend security policy: Google's preconfigured OWASP rules, a per-IP rate limit,
// an optional client allow-list and Adaptive Protection, for the agents' backend services.
//
// Cloud Armor takes the action of the highest-priority rule that matches and evaluates no rule
// after it ("Create and view Cloud Armor security policy rules",
// https://cloud.google.com/armor/docs/create-security-policy-rules). A throttle rule's conform
// action is `allow`, so a throttle that matches a request ends its evaluation like an allow rule
// would. Hence the order: the WAF rule sets first (they only deny), then the throttle, whose match
// is the allow-list itself, then the default rule, which denies whoever no throttle matched when
// there is an allow-list.
import * as gcp from "../../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import { CLOUD_ARMOR_WAF_RULE_SETS, LIMITS } from "../limits";

export interface CloudArmorPolicyArgs {
    /**
     * Requests per client IP per 5 minutes before the client is throttled. Cloud Armor counts them
     * per backend service the policy is attached to (Cloud Armor docs, "Rate limiting overview"),
     * and each agent track is one, so this is a limit per client and track, not per client.
     */
    rateLimit: number;
    /** Client CIDRs allowed in; everyone when absent. */
    allowedCidrs?: string[];
}

const LAST_PRIORITY = 2147483647;
const WAF_PRIORITY = 1000;
const THROTTLE_PRIORITY = 2000;
/** The per-IP window: `wafRateLimit` is per 5 minutes, and 300 s is one of the intervals Cloud Armor accepts. */
const INTERVAL_SEC = 300;

/**
 * Basic (SRC_IPS_V1) match conditions of at most 10 ranges each. Unlike an `inIpRange(...) || ...`
 * expression, which Cloud Armor refuses past five subexpressions, these scale with the list, and
 * they do not count against the project's quota of rules with advanced match conditions.
 */
function sourceRanges(cidrs: string[]): string[][] {
    const size = LIMITS.armorRangesPerRule.value;
    return Array.from({ length: Math.ceil(cidrs.length / size) }, (_, i) => cidrs.slice(i * size, (i + 1) * size));
}

export class CloudArmorPolicy extends pulumi.ComponentResource {
    public readonly policy: gcp.compute.SecurityPolicy;
    /** The policy's name, which a GCPBackendPolicy references. */
    public readonly policyName: pulumi.Output<string>;

    constructor(name: string, args: CloudArmorPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:CloudArmorPolicy", name, {}, opts);
        const matching = (ranges: string[]) => ({ versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ranges } });
        const clients = args.allowedCidrs ? sourceRanges(args.allowedCidrs) : [["*"]];

        this.policy = new gcp.compute.SecurityPolicy(name, {
            type: "CLOUD_ARMOR",
            description: "ADK agents: OWASP preconfigured rules and a per-IP rate limit",
            adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
            rules: [
                ...CLOUD_ARMOR_WAF_RULE_SETS.map((set, i) => ({
                    priority: WAF_PRIORITY + i * 10,
                    action: "deny(403)",
                    description: `preconfigured WAF ${set}`,
                    match: { expr: { expression: `evaluatePreconfiguredWaf('${set}', {'sensitivity': 1})` } },
                })),
                // Each client IP matches one rule, always the same, so its requests are counted together.
                ...clients.map((ranges, i) => ({
                    priority: THROTTLE_PRIORITY + i,
                    action: "throttle",
                    description: args.allowedCidrs ? `per-IP rate limit, allowed CIDRs ${i + 1}/${clients.length}` : "per-IP rate limit",
                    match: matching(ranges),
                    rateLimitOptions: {
                        conformAction: "allow",
                        exceedAction: "deny(429)",
                        enforceOnKey: "IP",
                        rateLimitThreshold: { count: args.rateLimit, intervalSec: INTERVAL_SEC },
                    },
                })),
                args.allowedCidrs
                    ? { priority: LAST_PRIORITY, action: "deny(403)", description: "default: clients outside the allowed CIDRs", match: matching(["*"]) }
                    : { priority: LAST_PRIORITY, action: "allow", description: "default: allow", match: matching(["*"]) },
            ],
        }, { parent: this });

        this.policyName = this.policy.name;
        this.registerOutputs({ policyName: this.policyName });
    }
}
