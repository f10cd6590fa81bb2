// A Cloud Armor backend security policy: Google's preconfigured OWASP rules, a per-IP rate limit
// and Adaptive Protection, for the agents' backend services.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface CloudArmorPolicyArgs {
    /** Requests per client IP per 5 minutes before the client is throttled. */
    rateLimit: number;
    /** Client CIDRs allowed in; everyone when absent. */
    allowedCidrs?: string[];
}

/**
 * Preconfigured WAF rule sets at sensitivity 1, the level Google recommends to start from: higher
 * levels flag ordinary prose, and agent prompts are prose (and code).
 */
const WAF_RULE_SETS = ["sqli-v33-stable", "xss-v33-stable", "lfi-v33-stable", "rce-v33-stable", "scannerdetection-v33-stable", "protocolattack-v33-stable"];
const LAST_PRIORITY = 2147483647;

export class CloudArmorPolicy extends pulumi.ComponentResource {
    public readonly policy: gcp.compute.SecurityPolicy;
    /** The policy's name, which a GCPBackendPolicy references. */
    public readonly policyName: pulumi.Output<string>;

    constructor(name: string, args: CloudArmorPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:CloudArmorPolicy", name, {}, opts);
        const everyone = { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } };

        this.policy = new gcp.compute.SecurityPolicy(name, {
            type: "CLOUD_ARMOR",
            description: "ADK agents: OWASP preconfigured rules and a per-IP rate limit",
            adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
            rules: [
                ...(args.allowedCidrs ? [{
                    priority: 10,
                    action: "deny(403)",
                    description: "clients outside the allowed CIDRs",
                    match: { expr: { expression: `!(${args.allowedCidrs.map((c) => `inIpRange(origin.ip, '${c}')`).join(" || ")})` } },
                }] : []),
                {
                    priority: 100,
                    action: "throttle",
                    description: "per-IP rate limit",
                    match: everyone,
                    rateLimitOptions: {
                        conformAction: "allow",
                        exceedAction: "deny(429)",
                        enforceOnKey: "IP",
                        rateLimitThreshold: { count: args.rateLimit, intervalSec: 300 },
                    },
                },
                ...WAF_RULE_SETS.map((set, i) => ({
                    priority: 1000 + i * 10,
                    action: "deny(403)",
                    description: `preconfigured WAF ${set}`,
                    match: { expr: { expression: `evaluatePreconfiguredWaf('${set}', {'sensitivity': 1})` } },
                })),
                { priority: LAST_PRIORITY, action: "allow", description: "default: allow", match: everyone },
            ],
        }, { parent: this });

        this.policyName = this.policy.name;
        this.registerOutputs({ policyName: this.policyName });
    }
}
