// The stack's internet-facing Application Load Balancer: HTTPS with a TLS 1.3 policy, HTTP that
// only redirects, and per agent a stable and a canary target group behind a weighted forward
// (plus a header rule for A/B tests and blue-green previews). Pods join the target groups through
// TargetGroupBinding objects that the AWS Load Balancer Controller reconciles.
import * as aws from "../../sdk/aws";
import * as k8s from "../../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DEV_ONLY_PREFIXES, Track } from "../../agents/contract";
import { EdgeAgent, HEALTH_CHECK, PLATFORM_RULE_SLOT } from "../routes";
import { PUBLIC_ROUTE_LABEL } from "../../../policy/labels";
import { autoNameBudget, fitName } from "../../naming/names";
import { accessLogBucket, type AccessLogBucket } from "./accessLogBucket";
import type { AlbCanaryArgs } from "./albCanaryArgs";
import { authenticated, notFound, weightedForward } from "./albActions";
import { albSecurityGroup, HTTP, HTTPS } from "./albSecurityGroup";
import { targetGroupBindings } from "./targetGroupBindings";
import { ValidatedCertificate } from "./validatedCertificate";
import { WebAcl } from "./webAcl";

/** The platform's health check (routes.ts) as a target group spells it, ready only on 200. */
const TARGET_HEALTH_CHECK = {
    interval: HEALTH_CHECK.intervalSeconds, timeout: HEALTH_CHECK.timeoutSeconds,
    healthyThreshold: HEALTH_CHECK.healthyThreshold, unhealthyThreshold: HEALTH_CHECK.unhealthyThreshold, matcher: "200",
};

export class AlbCanary extends pulumi.ComponentResource {
    public readonly loadBalancer: aws.lb.LoadBalancer;
    public readonly securityGroup: aws.ec2.SecurityGroup;
    public readonly httpsListener: aws.lb.Listener;
    public readonly httpListener: aws.lb.Listener;
    /** Target groups per agent and track. */
    public readonly targetGroups: Record<string, Partial<Record<Track, aws.lb.TargetGroup>>>;
    public readonly targetGroupArns: pulumi.Output<Record<string, Partial<Record<Track, string>>>>;
    public readonly rules: aws.lb.ListenerRule[];
    /** The rule that answers ADK's development endpoints with 404, outside dev. */
    public readonly devPathsRule?: aws.lb.ListenerRule;
    public readonly bindings: k8s.apiextensions.CustomResource[];
    public readonly certificateArn: pulumi.Output<string>;
    public readonly webAcl?: WebAcl;
    public readonly accessLogs?: AccessLogBucket;
    public readonly dnsName: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;
    public readonly url: pulumi.Output<string>;
    /** Public URL of each agent. */
    public readonly endpoints: Record<string, string>;

    constructor(name: string, args: AlbCanaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:AlbCanary", name, {}, opts);
        const parent = { parent: this };
        const lb = args.loadBalancer;

        this.securityGroup = albSecurityGroup(this, name, lb, args.agents);
        this.accessLogs = !lb.accessLogs ? undefined : accessLogBucket(`${name}-logs`, {
            retentionDays: args.accessLogRetentionDays,
            prefix: name,
        }, { ...parent, protect: args.protect });

        this.loadBalancer = new aws.lb.LoadBalancer(name, {
            loadBalancerType: "application",
            internal: false,
            subnets: lb.aws.publicSubnetIds,
            securityGroups: [this.securityGroup.id],
            dropInvalidHeaderFields: true,
            enableDeletionProtection: lb.deletionProtection,
            idleTimeout: lb.idleTimeoutSeconds,
            accessLogs: this.accessLogs && { bucket: this.accessLogs.bucketName, prefix: this.accessLogs.prefix, enabled: true },
        }, { ...parent, protect: args.protect, dependsOn: this.accessLogs?.ready ?? [] });

        this.certificateArn = this.certificate(name, args);

        this.targetGroups = Object.fromEntries(args.agents.map((agent) => [agent.agent, this.targetGroupsFor(name, args, agent)]));

        this.httpListener = new aws.lb.Listener(`${name}-http`, {
            loadBalancerArn: this.loadBalancer.arn,
            port: HTTP,
            protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: String(HTTPS), statusCode: "HTTP_301" } }],
        }, parent);

        const [only] = args.agents;
        const single = args.agents.length === 1;
        this.httpsListener = new aws.lb.Listener(`${name}-https`, {
            loadBalancerArn: this.loadBalancer.arn,
            port: HTTPS,
            protocol: "HTTPS",
            sslPolicy: lb.aws.sslPolicy,
            certificateArn: this.certificateArn,
            defaultActions: single
                ? authenticated(lb.auth, only, weightedForward(this.targetGroups[only.agent], only, lb.stickinessSeconds))
                : [notFound("no agent is served at this address")],
            tags: single && only.public ? { [PUBLIC_ROUTE_LABEL]: "true" } : undefined,
        }, parent);

        this.rules = args.agents.flatMap((agent) => this.rulesFor(name, args, agent));
        this.devPathsRule = lb.devPathsClosed ? this.devPathsRuleFor(name, args) : undefined;
        this.bindings = args.agents.flatMap((agent) => targetGroupBindings(this, name, args, agent, this.targetGroups[agent.agent], this.securityGroup));
        this.webAcl = !lb.waf ? undefined : new WebAcl(`${name}-waf`, { resourceArn: this.loadBalancer.arn, rateLimit: lb.wafRateLimit }, parent);

        // Alias records of the served names, unless DNS is managed elsewhere.
        const aliasZoneId = lb.aws.aliasRecords ? lb.aws.hostedZoneId : undefined;
        if (aliasZoneId !== undefined) {
            for (const host of new Set(args.agents.map((a) => a.host))) {
                new aws.route53.Record(`${name}-alias-${host}`, {
                    zoneId: aliasZoneId,
                    name: host,
                    type: "A",
                    aliases: [{ name: this.loadBalancer.dnsName, zoneId: this.loadBalancer.zoneId, evaluateTargetHealth: true }],
                }, parent);
            }
        }

        this.dnsName = this.loadBalancer.dnsName;
        this.zoneId = this.loadBalancer.zoneId;
        this.targetGroupArns = pulumi.output(Object.fromEntries(Object.entries(this.targetGroups).map(([agent, groups]) =>
            [agent, Object.fromEntries(Object.entries(groups).map(([track, group]) => [track, group.arn]))])));
        this.url = pulumi.output(`https://${lb.domain}`);
        this.endpoints = Object.fromEntries(args.agents.map((a) => [a.agent, `https://${a.host}${a.pathPrefix ?? ""}/`]));
        this.registerOutputs({
            dnsName: this.dnsName,
            zoneId: this.zoneId,
            url: this.url,
            endpoints: this.endpoints,
            certificateArn: this.certificateArn,
            targetGroupArns: this.targetGroupArns,
        });
    }

    /** An issued certificate, or a new one validated in the Route 53 zone (the config checks require one of them). */
    private certificate(name: string, args: AlbCanaryArgs): pulumi.Output<string> {
        const { certificateArn, hostedZoneId } = args.loadBalancer.aws;
        if (certificateArn !== undefined) return pulumi.output(certificateArn);
        if (hostedZoneId === undefined) throw new pulumi.ResourceError("loadBalancer.aws needs certificateArn or hostedZoneId", this);
        return new ValidatedCertificate(`${name}-cert`, { domains: certificateNames(args), hostedZoneId }, { parent: this }).arn;
    }

    private targetGroupsFor(name: string, args: AlbCanaryArgs, agent: EdgeAgent): Partial<Record<Track, aws.lb.TargetGroup>> {
        const sticky = args.loadBalancer.stickinessSeconds > 0;
        return Object.fromEntries(agent.tracks.map((track) => [track, new aws.lb.TargetGroup(targetGroupName(name, agent.agent, track), {
            vpcId: args.loadBalancer.aws.vpcId,
            targetType: "ip",
            port: agent.port,
            protocol: "HTTP",
            protocolVersion: "HTTP1",
            // Agent requests vary from milliseconds to minutes; round-robin would pile them up.
            loadBalancingAlgorithmType: "least_outstanding_requests",
            // The pods' whole termination budget: the ALB keeps a deregistered pod's in-flight
            // requests going until the pod has had its time to finish them (the default, 300 s,
            // would cut a longer one; the maximum is 3600).
            deregistrationDelay: agent.drainingSeconds,
            healthCheck: { enabled: true, protocol: "HTTP", port: "traffic-port", path: agent.readyPath, ...TARGET_HEALTH_CHECK },
            stickiness: { type: "lb_cookie", enabled: sticky, cookieDuration: Math.max(1, args.loadBalancer.stickinessSeconds) },
            tags: { agent: agent.agent, track },
        }, { parent: this })]));
    }

    /**
     * One rule, in the platform's slot before every agent's, that answers ADK's development
     * endpoints with 404 on every host. One anchored regular expression (at most 128 characters,
     * terraform-provider-aws lb_listener_rule `path_pattern.regex_values`) instead of wildcard
     * values: a rule holds at most 5 condition values, and `*` would match across segments. With
     * path routing the paths carry the agent's prefix, one segment.
     */
    private devPathsRuleFor(name: string, args: AlbCanaryArgs): aws.lb.ListenerRule {
        const prefix = args.agents.some((a) => a.pathPrefix !== undefined) ? "/[^/]+" : "";
        const paths = DEV_ONLY_PREFIXES.map((p) => p.slice(1)).join("|");
        return new aws.lb.ListenerRule(`${name}-dev-paths`, {
            listenerArn: this.httpsListener.arn,
            priority: rulePriorities(PLATFORM_RULE_SLOT).header,
            conditions: [{ pathPattern: { regexValues: [`^${prefix}/(${paths})(/.*)?$`] } }],
            actions: [notFound("development endpoints are not served here")],
            tags: { route: "dev-paths-closed" },
            // After the agents' rules: a stack deployed before slot 1 was reserved has an agent rule
            // there, which this `up` moves to its own slot. The SDK registers a resource only once
            // its dependsOn resources' URNs resolve (pulumi/pulumi sdk/nodejs/runtime/dependsOn.ts
            // getAllTransitivelyReferencedResourceURNs), and the engine answers a registration only
            // when its step is done (pkg/resource/deploy/source_eval.go RegisterResource, "block
            // waiting for the operation to finish"): the priority is free when this rule claims it.
        }, { parent: this, dependsOn: this.rules });
    }

    /** The agent's own route when several agents share the listener, and its header route. */
    private rulesFor(name: string, args: AlbCanaryArgs, agent: EdgeAgent): aws.lb.ListenerRule[] {
        const shared = args.agents.length > 1;
        const select = agent.pathPrefix !== undefined
            ? [{ pathPattern: { values: [agent.pathPrefix, `${agent.pathPrefix}/*`] } }]
            : shared ? [{ hostHeader: { values: [agent.host] } }] : [];
        // The agents serve from "/", so the prefix that selected the agent is cut off.
        const transforms = agent.pathPrefix === undefined ? undefined : [{
            type: "url-rewrite",
            urlRewriteConfig: { rewrite: { regex: `^${agent.pathPrefix}/?(.*)$`, replace: "/$1" } },
        }];
        const rules: aws.lb.ListenerRule[] = [];
        const publicTag: Record<string, string> = agent.public ? { [PUBLIC_ROUTE_LABEL]: "true" } : {};
        // The agent's slot, not its position: inserting or removing an agent moves no other rule.
        // A new priority is an in-place SetRulePriorities call, not a replacement
        // (terraform-provider-aws internal/service/elbv2/listener_rule.go: priority is
        // `ForceNew: false`), so it fails with PriorityInUse while another rule holds the value.
        // Rules of different agents never match the same request (host, path or header differ),
        // so only the header rule before the weighted one matters.
        const priorities = rulePriorities(agent.ruleSlot);
        if (agent.headerRoute) {
            const { name: header, value, track } = agent.headerRoute;
            rules.push(new aws.lb.ListenerRule(`${name}-${agent.agent}-header`, {
                listenerArn: this.httpsListener.arn,
                priority: priorities.header,
                conditions: [{ httpHeader: { httpHeaderName: header, values: [value] } }, ...select],
                actions: authenticated(args.loadBalancer.auth, agent, { type: "forward", targetGroupArn: this.targetGroups[agent.agent][track]!.arn }),
                transforms,
                tags: { agent: agent.agent, route: "header", ...publicTag },
            }, { parent: this }));
        }
        if (shared) {
            rules.push(new aws.lb.ListenerRule(`${name}-${agent.agent}`, {
                listenerArn: this.httpsListener.arn,
                priority: priorities.weighted,
                conditions: select,
                actions: authenticated(args.loadBalancer.auth, agent, weightedForward(this.targetGroups[agent.agent], agent, args.loadBalancer.stickinessSeconds)),
                transforms,
                tags: { agent: agent.agent, route: "weighted", ...publicTag },
            }, { parent: this }));
        }
        return rules;
    }

}

/** The two ALB priorities (1..50000) of a rule slot (1..25000); lower is evaluated first. */
function rulePriorities(slot: number): { header: number; weighted: number } {
    return { header: 2 * slot - 1, weighted: 2 * slot };
}

/**
 * Target groups stay auto-named, so that a replacement (a new port or protocol) can be created
 * before the old group is deleted; the provider appends "-" and 7 random characters and refuses a
 * logical name that leaves no room for them within 32. The agent's part is shortened to fit,
 * keeping the track readable and the name unique per agent.
 */
function targetGroupName(name: string, agent: string, track: Track): string {
    return `${name}-${fitName(agent, autoNameBudget("aws:lb/targetGroup:TargetGroup") - name.length - track.length - 2)}-${track}`;
}

/** Several hosts under the domain share one wildcard name rather than one name each (ACM allows 10). */
function certificateNames(args: AlbCanaryArgs): string[] {
    const hosts = new Set(args.agents.map((a) => a.host));
    return hosts.size === 1 ? [...hosts] : [args.loadBalancer.domain, `*.${args.loadBalancer.domain}`];
}
