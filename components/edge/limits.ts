// The cloud quotas and hard limits that a stack's configuration can run into, in one table. Each
// row says how much of the limit the configuration uses; config validation (checkLoadBalancer)
// refuses a configuration past any of them, naming the key, before a resource is registered, so
// `pulumi up` and the offline plan fail in the same place instead of halfway through an update.
import { isIPv6 } from "node:net";
import type { Problem } from "../../config/errors";

/** What the rows count from: the effective load balancer settings, the agents and the cloud. */
export interface LimitInput {
    cloud: "aws" | "gcp";
    ingressCidrs: string[];
    /** The per-IP rate limit, present only when the web ACL or Cloud Armor policy exists. */
    wafRateLimit?: number;
    /** Cloud Armor's allow-list; absent when everyone may connect. */
    allowedCidrs?: string[];
    /** The ranges the ALB's security group lets it reach pods in (one egress rule per range and port). */
    podCidrs: number;
    /** Outside dev, one rule of the platform's answers ADK's development endpoints. */
    devPathsClosed: boolean;
    /** The ALB authenticates users, and reaches the IdP through its security group. */
    authenticates: boolean;
    agents: LimitAgent[];
}

export interface LimitAgent {
    /** Position in `agents`, for the key of a per-agent row. */
    index: number;
    port: number;
    canary?: { header?: unknown };
    drainSeconds: number;
    shutdownSeconds: number;
}

export interface CloudLimit {
    cloud: "aws" | "gcp";
    /** The unit counted, as the error message says it ("listener rules"). */
    unit: string;
    /** What the value bounds, after "more than the <value>" ("rules one ALB may have"). */
    scope: string;
    value: number;
    /** "max": usage may not exceed `value`; "min": it may not fall below it. */
    bound: "max" | "min";
    /** A quota can be raised on request; a hard limit cannot. */
    adjustable: boolean;
    /** Where the value comes from: the cloud's documentation or the provider's source. */
    source: string;
    /** The config key whose value drives the usage. */
    key: readonly PropertyKey[];
    /** How much of the limit the configuration uses; undefined where the limit does not apply. */
    usage?(input: LimitInput): number | undefined;
    /** A limit each agent meets on its own: its usage, reported on the agent's key `agents[i].<key>`. */
    perAgent?: { key: string; usage(agent: LimitAgent): number };
    /** What the user can do about it. */
    remedy?: string;
}

const ALB_QUOTAS = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html";
const VPC_QUOTAS = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups";
const ARMOR_QUOTAS = "https://cloud.google.com/armor/quotas";

/**
 * The preconfigured WAF rule sets of the Cloud Armor policy, at sensitivity 1 (the level Google
 * recommends to start from: higher levels flag ordinary prose, and agent prompts are prose and
 * code). Listed here because each is a rule the policy's quota counts.
 */
export const CLOUD_ARMOR_WAF_RULE_SETS = ["sqli-v33-stable", "xss-v33-stable", "lfi-v33-stable", "rce-v33-stable", "scannerdetection-v33-stable", "protocolattack-v33-stable"];

/** Source ranges in one basic (SRC_IPS_V1) Cloud Armor match condition. */
const ARMOR_RANGES_PER_RULE = 10;

export const LIMITS = {
    /**
     * components/edge/aws/albCanary.ts rulesFor: with several agents one host or path rule each, plus a
     * header rule per agent that has one, plus outside dev the rule closing ADK's development paths. The quota counts the rules of the whole ALB, not of one
     * listener; the HTTP listener has only its default (redirect) action.
     */
    albRules: {
        cloud: "aws", unit: "listener rules", scope: "rules one ALB may have, its listeners' default rules not counted", value: 100, bound: "max", adjustable: true,
        source: ALB_QUOTAS, key: ["agents"],
        usage: ({ agents, devPathsClosed }) => (agents.length > 1 ? agents.length : 0) + agents.filter((a) => a.canary?.header !== undefined).length + (devPathsClosed ? 1 : 0),
        remedy: "split the agents over several stacks",
    },
    /** One target group per agent and track. */
    albTargetGroups: {
        cloud: "aws", unit: "target groups", scope: "target groups one ALB can use", value: 100, bound: "max", adjustable: false,
        source: ALB_QUOTAS, key: ["agents"],
        usage: ({ agents }) => agents.reduce((n, a) => n + (a.canary ? 2 : 1), 0),
        remedy: "split the agents over several stacks",
    },
    /**
     * components/edge/aws/albCanary.ts securityGroupFor: one ingress rule per CIDR for 443 and one for
     * 80. The quota is counted separately for IPv4 and IPv6 rules, so the larger family counts.
     */
    securityGroupInbound: {
        cloud: "aws", unit: "inbound security group rules", scope: "rules of one address family a security group may have inbound", value: 60, bound: "max", adjustable: true,
        source: VPC_QUOTAS, key: ["loadBalancer", "ingressCidrs"],
        usage: ({ ingressCidrs }) => 2 * Math.max(...[true, false].map((v6) => ingressCidrs.filter((c) => isIPv6(c.split("/")[0]) === v6).length)),
        remedy: "merge the CIDRs into fewer, larger blocks",
    },
    /** One egress rule per distinct agent port and pod range (`loadBalancer.aws.podCidrs`, else the VPC's CIDR), and one to the IdP when the ALB authenticates. */
    securityGroupOutbound: {
        cloud: "aws", unit: "outbound security group rules", scope: "rules of one address family a security group may have outbound", value: 60, bound: "max", adjustable: true,
        source: VPC_QUOTAS, key: ["agents"],
        usage: ({ agents, podCidrs, authenticates }) => new Set(agents.map((a) => a.port)).size * podCidrs + (authenticates ? 1 : 0),
        remedy: "let agents share container ports, or list fewer, larger pod ranges",
    },
    /** components/edge/aws/albCanary.ts: a target group's deregistration delay is the agent's termination budget. */
    albDeregistrationDelay: {
        cloud: "aws", unit: "seconds of termination budget (drainSeconds + shutdownSeconds)", scope: "seconds a target group's deregistration delay may last", value: 3600, bound: "max", adjustable: false,
        source: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay",
        key: ["agents"],
        perAgent: { key: "shutdownSeconds", usage: (agent) => agent.drainSeconds + agent.shutdownSeconds },
    },
    /** components/edge/gcp/gatewayCanary.ts: a backend's connection draining timeout is the agent's termination budget. */
    gkeConnectionDraining: {
        cloud: "gcp", unit: "seconds of termination budget (drainSeconds + shutdownSeconds)", scope: "seconds a backend service's connection draining timeout may last", value: 3600, bound: "max", adjustable: false,
        source: "https://cloud.google.com/load-balancing/docs/enabling-connection-draining",
        key: ["agents"],
        perAgent: { key: "shutdownSeconds", usage: (agent) => agent.drainSeconds + agent.shutdownSeconds },
    },
    /** components/edge/aws/webAcl.ts: a rate-based statement over the 300 s window. AWS lowered the floor from 100 to 10. */
    wafRateMinimum: {
        cloud: "aws", unit: "requests per 5 minutes", scope: "the lowest rate limit of an AWS WAF rate-based rule", value: 10, bound: "min", adjustable: false,
        source: "https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html",
        key: ["loadBalancer", "wafRateLimit"],
        usage: ({ wafRateLimit }) => wafRateLimit,
    },
    /** components/edge/gcp/cloudArmorPolicy.ts: `rateLimitThreshold.count` over `intervalSec` 300, which is an allowed interval. */
    armorThrottleCount: {
        cloud: "gcp", unit: "requests per 5 minutes", scope: "the highest count of a Cloud Armor throttle threshold", value: 1_000_000, bound: "max", adjustable: false,
        source: "https://cloud.google.com/armor/docs/rate-limiting-overview",
        key: ["loadBalancer", "wafRateLimit"],
        usage: ({ wafRateLimit }) => wafRateLimit,
    },
    /**
     * Source ranges in one basic (SRC_IPS_V1) match condition: the Cloud Armor component splits
     * `ingressCidrs` into rules of at most this many, so the limit shapes the policy rather than
     * refusing a configuration.
     */
    armorRangesPerRule: {
        cloud: "gcp", unit: "source ranges", scope: "ranges one Cloud Armor rule may match", value: ARMOR_RANGES_PER_RULE, bound: "max", adjustable: false,
        source: "terraform-provider-google website/docs/r/compute_security_policy.html.markdown (config.src_ip_ranges); " + ARMOR_QUOTAS,
        key: ["loadBalancer", "ingressCidrs"],
    },
    /**
     * The policy's rules: the WAF rule sets, a throttle per chunk of allowed ranges (one for
     * everyone when open) and the default rule. The SECURITY_POLICY_RULES quota counts the rules of
     * every global policy in the project, so this is the stack's share at the default value.
     */
    armorRules: {
        cloud: "gcp", unit: "Cloud Armor rules", scope: "rules of the project's SECURITY_POLICY_RULES quota at its default", value: 200, bound: "max", adjustable: true,
        source: ARMOR_QUOTAS, key: ["loadBalancer", "ingressCidrs"],
        usage: ({ wafRateLimit, allowedCidrs }) => wafRateLimit === undefined
            ? undefined
            : CLOUD_ARMOR_WAF_RULE_SETS.length + Math.ceil((allowedCidrs?.length ?? 1) / ARMOR_RANGES_PER_RULE) + 1,
        remedy: "merge the CIDRs into fewer, larger blocks, or raise the quota",
    },
} as const satisfies Record<string, CloudLimit>;

/** One problem per row of the stack's cloud that the configuration goes past. */
export function checkLimits(input: LimitInput): Problem[] {
    const problems: Problem[] = [];
    for (const limit of Object.values(LIMITS) as CloudLimit[]) {
        if (limit.cloud !== input.cloud) continue;
        const counted: [PropertyKey[], number | undefined][] = limit.perAgent
            ? input.agents.map((agent) => [["agents", agent.index, limit.perAgent!.key], limit.perAgent!.usage(agent)])
            : [[[...limit.key], limit.usage?.(input)]];
        for (const [path, used] of counted) {
            if (used === undefined) continue;
            const past = limit.bound === "max" ? used > limit.value : used < limit.value;
            if (!past) continue;
            const kind = limit.adjustable ? `a quota that ${limit.cloud === "aws" ? "AWS" : "Google Cloud"} can raise on request` : "a hard limit";
            const what = limit.bound === "max"
                ? `needs ${used} ${limit.unit}, more than the ${limit.value} ${limit.scope}`
                : `is ${used} ${limit.unit}, below ${limit.value}, ${limit.scope}`;
            problems.push({ path, message: `${what} (${kind}; ${limit.source})${limit.remedy ? `; ${limit.remedy}` : ""}` });
        }
    }
    return problems;
}
