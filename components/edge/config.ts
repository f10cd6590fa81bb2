// `adk-platform:loadBalancer`: the stack's canary load balancer.
// One load balancer per stack in front of every agent; this module validates its settings
// (routes.ts turns agents plus settings into the routes both clouds' components consume).
import { z } from "zod";
import { authSchema, checkAuth, EdgeAuth, resolveAuth } from "./auth";
import { loadBalancerKeepAlive } from "../agents/contract";
import { checkLimits, LimitAgent } from "./limits";
import type { CheckContext, ConfigContext, Environment } from "../../config/presets";
import { cidr, flag, intBetween } from "../../config/primitives";
import type { Problem } from "../../config/errors";

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

const hostname = z.string({ error: (issue) => issue.input === undefined ? "is required: the DNS name the agents are served under (for example agents.example.com)" : `must be a DNS name, got ${JSON.stringify(issue.input)}` })
    .regex(HOSTNAME, { error: (issue) => `must be a lowercase DNS name such as agents.example.com, got ${JSON.stringify(issue.input)}` });


const awsId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), {
    error: (issue) => `must be an id such as ${prefix}-0123456789abcdef0, got ${JSON.stringify(issue.input)}`,
});

/** TLS 1.3 policies only: the TLS 1.2 policies (ELBSecurityPolicy-TLS-1-2-2019-07, ...) cannot negotiate TLS 1.3. */
const TLS13_POLICY = /^ELBSecurityPolicy-TLS13-[\w-]+$/;
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

const awsSchema = z.strictObject({
    vpcId: awsId("vpc"),
    /**
     * Public subnets in at least two Availability Zones: CreateLoadBalancer refuses an ALB with fewer
     * (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html, `Subnets`).
     */
    publicSubnetIds: z.array(awsId("subnet")).min(2, { error: (issue) => `must list at least two public subnets in different Availability Zones, got ${JSON.stringify(issue.input)}` }),
    /** An issued ACM certificate; without it, a DNS-validated one is created in `hostedZoneId`. */
    certificateArn: z.string().regex(/^arn:aws[-a-z]*:acm:[a-z0-9-]+:\d{12}:certificate\/[-0-9a-f]+$/, {
        error: (issue) => `must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got ${JSON.stringify(issue.input)}`,
    }).optional(),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,31}$/, { error: (issue) => `must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got ${JSON.stringify(issue.input)}` }).optional(),
    /** Alias records for the served names in `hostedZoneId`. */
    aliasRecords: flag.optional(),
    /**
     * The ranges the agents' pods take their IPs from, which the ALB's security group lets it reach
     * on the agents' ports. Unset means the VPC's primary CIDR; list the secondary ranges that VPC
     * CNI custom networking (or a secondary CIDR for pods) gives the pods, or the ALB cannot reach them.
     */
    podCidrs: z.array(cidr).min(1, { error: "must list at least one CIDR block, or be left out for the VPC's primary CIDR" }).optional(),
    sslPolicy: z.string().regex(TLS13_POLICY, { error: (issue) => `must be a TLS 1.3 ELB security policy (ELBSecurityPolicy-TLS13-...), got ${JSON.stringify(issue.input)}` }).default(DEFAULT_SSL_POLICY),
});

export const SSL_PROFILES = ["MODERN", "RESTRICTED"] as const;

const gcpSchema = z.strictObject({
    sslProfile: z.enum(SSL_PROFILES, { error: (issue) => `must be one of ${SSL_PROFILES.join(", ")}, got ${JSON.stringify(issue.input)}` }).default("MODERN"),
});

export const ROUTINGS = ["host", "path"] as const;

const loadBalancerObject = z.strictObject({
    domain: hostname,
    /** With several agents: `<agent>.<domain>` (host) or `<domain>/<agent>/` (path). */
    routing: z.enum(ROUTINGS, { error: (issue) => `must be one of ${ROUTINGS.join(", ")}, got ${JSON.stringify(issue.input)}` }).default("host"),
    ingressCidrs: z.array(cidr).min(1, { error: "must list at least one CIDR block" }).default(() => [...OPEN_TO_ALL]),
    /** Agents stream long model responses; the ALB's 60 s default cuts them off. */
    idleTimeoutSeconds: intBetween(1, 4000).default(300),
    /** 0 turns stickiness off; otherwise a client stays on its track (and pod) this long. */
    stickinessSeconds: intBetween(0, 604800).default(0),
    accessLogs: flag.optional(),
    waf: flag.optional(),
    /** Requests per client IP per 5 minutes before the WAF blocks it; each cloud's range is in components/edge/limits.ts. */
    wafRateLimit: intBetween(1, 2000000000).default(2000),
    deletionProtection: flag.optional(),
    /** Authentication at the load balancer: `oidc` or `cognito` on AWS, `iap` on GCP. */
    auth: authSchema.optional(),
    /** Serve every agent without authentication (an agent's own `public` wins). */
    public: flag.optional(),
    aws: awsSchema.optional(),
    gcp: gcpSchema.default({ sslProfile: "MODERN" }),
});

// Parsed even when absent, so that a stack without the key hears which settings it needs.
export const loadBalancerSchema = loadBalancerObject.prefault({} as z.input<typeof loadBalancerObject>);

export type RawLoadBalancer = z.infer<typeof loadBalancerSchema>;

/** The section as the components get it: the schema's output with the environment's defaults resolved. */
export type LoadBalancerConfig = Omit<RawLoadBalancer, "accessLogs" | "waf" | "deletionProtection" | "auth" | "aws"> & {
    accessLogs: boolean;
    waf: boolean;
    deletionProtection: boolean;
    auth?: EdgeAuth;
    /** Outside dev, ADK's development endpoints (components/agents/contract.ts DEV_ONLY_PREFIXES) are answered by the load balancer, never routed. */
    devPathsClosed: boolean;
    aws?: NonNullable<RawLoadBalancer["aws"]> & { aliasRecords: boolean };
};

/** The environment's defaults that checks and resolution share; an environment that is itself invalid is unknown. */
const wafOn = (lb: RawLoadBalancer, environment: Environment | undefined) => lb.waf ?? environment === "prod";
const closesDevPaths = (environment: Environment | undefined) => environment !== undefined && environment !== "dev";

export function resolveLoadBalancer(raw: RawLoadBalancer, { environment }: Pick<ConfigContext, "environment">): LoadBalancerConfig {
    return {
        ...raw,
        accessLogs: raw.accessLogs ?? true,
        waf: wafOn(raw, environment),
        deletionProtection: raw.deletionProtection ?? environment === "prod",
        auth: resolveAuth(raw.auth),
        devPathsClosed: closesDevPaths(environment),
        aws: raw.aws && { ...raw.aws, aliasRecords: raw.aws.aliasRecords ?? raw.aws.hostedZoneId !== undefined },
    };
}

export const OPEN_TO_ALL = ["0.0.0.0/0"];

/** The CIDRs a WAF must allow-list: none when the load balancer is open to everyone. */
export function allowedCidrs(ingressCidrs: string[]): string[] | undefined {
    return ingressCidrs.join() === OPEN_TO_ALL.join() ? undefined : ingressCidrs;
}

/** An agent as the load balancer's checks see it. */
export type CheckedAgent = LimitAgent & { public?: boolean; keepAliveSeconds?: number };

/** Checks that need the cloud, the environment or the agents as well as `loadBalancer`. */
export function checkLoadBalancer(lb: RawLoadBalancer | undefined, { cloud, environment }: CheckContext, agents: CheckedAgent[]): Problem[] {
    if (lb === undefined || cloud === undefined) return [];
    const waf = wafOn(lb, environment);
    const limits = checkLimits({
        cloud, ingressCidrs: lb.ingressCidrs, wafRateLimit: waf ? lb.wafRateLimit : undefined, allowedCidrs: allowedCidrs(lb.ingressCidrs),
        podCidrs: lb.aws?.podCidrs?.length ?? 1, devPathsClosed: closesDevPaths(environment),
        authenticates: lb.auth?.oidc !== undefined || lb.auth?.cognito !== undefined, agents,
    });
    return [...cloudChecks(lb, cloud, waf), ...checkAuth(lb, { cloud, environment }, agents), ...checkKeepAlive(lb, cloud, agents), ...limits];
}

/** An agent that closes idle connections before the load balancer does makes it answer 502 (components/agents/contract.ts). */
function checkKeepAlive(lb: RawLoadBalancer, cloud: "aws" | "gcp", agents: CheckedAgent[]): Problem[] {
    const ceiling = loadBalancerKeepAlive(cloud, lb.idleTimeoutSeconds);
    const source = cloud === "aws" ? `loadBalancer.idleTimeoutSeconds (${ceiling})` : `the ${ceiling} s for which Google's front ends keep backend connections`;
    return agents.filter((agent) => agent.keepAliveSeconds !== undefined && agent.keepAliveSeconds <= ceiling).map((agent) => ({
        path: ["agents", agent.index, "keepAliveSeconds"],
        message: `must be greater than ${source}, or the load balancer reuses connections the agent has closed (502), got ${agent.keepAliveSeconds}`,
    }));
}

function cloudChecks(lb: RawLoadBalancer, cloud: "aws" | "gcp", waf: boolean): Problem[] {
    const at = (...path: PropertyKey[]) => ["loadBalancer", ...path];
    if (cloud === "gcp") {
        // A Google front end has no security group: only Cloud Armor can turn clients away by address.
        return allowedCidrs(lb.ingressCidrs) && !waf ? [{ path: at("ingressCidrs"), message: "is enforced by Cloud Armor on gcp: set loadBalancer.waf to true, or leave ingressCidrs open" }] : [];
    }
    if (lb.aws === undefined) return [{ path: at("aws"), message: "is required when cloud is aws: vpcId, publicSubnetIds, and certificateArn or hostedZoneId" }];
    const problems: Problem[] = [];
    if (lb.aws.certificateArn === undefined && lb.aws.hostedZoneId === undefined) {
        problems.push({ path: at("aws", "certificateArn"), message: "is required unless loadBalancer.aws.hostedZoneId names the Route 53 zone for a DNS-validated certificate" });
    }
    if (lb.aws.aliasRecords === true && lb.aws.hostedZoneId === undefined) {
        problems.push({ path: at("aws", "aliasRecords"), message: "needs loadBalancer.aws.hostedZoneId, the zone to write the records in" });
    }
    const subnets = lb.aws.publicSubnetIds;
    subnets.forEach((id, i) => {
        if (subnets.indexOf(id) < i) problems.push({ path: at("aws", "publicSubnetIds", i), message: `duplicate subnet "${id}"` });
    });
    return problems;
}
