// The stack's internet-facing Application Load Balancer: HTTPS with a TLS 1.3 policy, HTTP that
// only redirects, and per agent a stable and a canary target group behind a weighted forward
// (plus a header rule for A/B tests and blue-green previews). Pods join the target groups through
// TargetGroupBinding objects that the AWS Load Balancer Controller reconciles.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeAuth } from "../auth";
import { DEV_ONLY_PREFIXES } from "../../agents/contract";
import { PLATFORM_RULE_SLOT, ServedRoute } from "../config";
import { MANAGED_BY } from "../../kubernetes/labels";
import { PUBLIC_ROUTE_LABEL } from "../../../policy/lib";
import { autoNameBudget, fitName } from "../../../tools/engine/naming";
import { agentSelector, SERVICE_PORT, Track } from "../../agents/contract";
import { AccessLogBucket } from "./accessLogBucket";
import { ValidatedCertificate } from "./validatedCertificate";
import { WebAcl } from "./webAcl";

export type AlbAgent = ServedRoute<k8s.core.v1.Service>;

export interface AlbCanaryArgs {
    agents: AlbAgent[];
    /** Namespace of the agents' Services; the TargetGroupBindings live beside them. */
    namespace: pulumi.Input<string>;
    kubernetesProvider: k8s.Provider;
    domain: string;
    vpcId: string;
    subnetIds: string[];
    /** Ranges the pods take their IPs from; the VPC's primary CIDR when absent. */
    podCidrs?: string[];
    ingressCidrs: string[];
    idleTimeoutSeconds: number;
    deletionProtection: boolean;
    sslPolicy: string;
    /** An issued certificate, or the Route 53 zone in which to validate a new one. */
    certificate: { arn: string } | { hostedZoneId: string };
    /** Zone for alias records of the served names; none when DNS is managed elsewhere. */
    aliasZoneId?: string;
    stickinessSeconds: number;
    accessLogs?: { retentionDays: number };
    waf?: { rateLimit: number };
    /** `protect` the load balancer and its log bucket. */
    protect: boolean;
    labels?: Record<string, string>;
    /** Who may pass: every forward of a non-public agent is preceded by this authentication. */
    auth?: Extract<EdgeAuth, { kind: "oidc" | "cognito" }>;
    /** Answer ADK's development endpoints with 404 instead of routing them. */
    devPathsClosed: boolean;
}

type Action = aws.types.input.lb.ListenerDefaultAction;

/** The platform's health-check thresholds (healthy 2, unhealthy 3, every 30 s, 5 s timeout), on the readiness path. */
const HEALTH_CHECK = { interval: 30, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3, matcher: "200" };
/** Fields of a TargetGroupBinding that the AWS Load Balancer Controller's webhook keeps immutable. */
export const TARGET_GROUP_BINDING_IMMUTABLE = ["spec.targetGroupARN", "spec.targetType", "spec.ipAddressType", "spec.vpcID"] as const;
const HTTPS = 443;
const HTTP = 80;

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

        this.securityGroup = this.securityGroupFor(name, args);
        this.accessLogs = args.accessLogs && new AccessLogBucket(`${name}-logs`, {
            retentionDays: args.accessLogs.retentionDays,
            prefix: name,
            protect: args.protect,
        }, parent);

        this.loadBalancer = new aws.lb.LoadBalancer(name, {
            loadBalancerType: "application",
            internal: false,
            subnets: args.subnetIds,
            securityGroups: [this.securityGroup.id],
            dropInvalidHeaderFields: true,
            enableDeletionProtection: args.deletionProtection,
            idleTimeout: args.idleTimeoutSeconds,
            accessLogs: this.accessLogs && { bucket: this.accessLogs.bucketName, prefix: this.accessLogs.prefix, enabled: true },
        }, { ...parent, protect: args.protect, dependsOn: this.accessLogs?.ready ?? [] });

        this.certificateArn = "arn" in args.certificate
            ? pulumi.output(args.certificate.arn)
            : new ValidatedCertificate(`${name}-cert`, { domains: certificateNames(args), hostedZoneId: args.certificate.hostedZoneId }, parent).arn;

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
            sslPolicy: args.sslPolicy,
            certificateArn: this.certificateArn,
            defaultActions: single
                ? this.authenticated(args, only, this.weightedForward(only, args.stickinessSeconds))
                : [notFound("no agent is served at this address")],
            tags: single && only.public ? { [PUBLIC_ROUTE_LABEL]: "true" } : undefined,
        }, parent);

        this.devPathsRule = args.devPathsClosed ? this.devPathsRuleFor(name, args) : undefined;
        this.rules = args.agents.flatMap((agent) => this.rulesFor(name, args, agent));
        this.bindings = args.agents.flatMap((agent) => this.bindingsFor(name, args, agent));
        this.webAcl = args.waf && new WebAcl(`${name}-waf`, { resourceArn: this.loadBalancer.arn, rateLimit: args.waf.rateLimit }, parent);

        if (args.aliasZoneId !== undefined) {
            for (const host of new Set(args.agents.map((a) => a.host))) {
                new aws.route53.Record(`${name}-alias-${host}`, {
                    zoneId: args.aliasZoneId,
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
        this.url = pulumi.output(`https://${args.domain}`);
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

    /** 80 and 443 from the allowed CIDRs; out only to the agents' ports inside the VPC. */
    private securityGroupFor(name: string, args: AlbCanaryArgs): aws.ec2.SecurityGroup {
        const parent = { parent: this };
        const group = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: "ADK agents load balancer: HTTPS and redirecting HTTP in, agent ports out",
        }, parent);
        for (const port of [HTTPS, HTTP]) {
            args.ingressCidrs.forEach((cidr, i) => {
                new aws.vpc.SecurityGroupIngressRule(`${name}-in-${port}-${i}`, {
                    securityGroupId: group.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    ...(cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
                    description: `${port === HTTPS ? "HTTPS" : "HTTP (redirected)"} from ${cidr}`,
                }, parent);
            });
        }
        // Named after the range, not its position, so that listing one more range adds a rule and
        // changes no other; the VPC's primary CIDR keeps the plain name.
        const podRanges: [string, pulumi.Input<string>][] = args.podCidrs
            ? args.podCidrs.map((cidr) => [`-${cidr.replace(/[.:/]+/g, "-")}`, cidr])
            : [["", aws.ec2.getVpcOutput({ id: args.vpcId }, parent).cidrBlock]];
        for (const port of new Set(args.agents.map((a) => a.port))) {
            for (const [suffix, cidr] of podRanges) {
                new aws.vpc.SecurityGroupEgressRule(`${name}-out-${port}${suffix}`, {
                    securityGroupId: group.id,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    ...(typeof cidr === "string" && cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr }),
                    description: `agent pods on port ${port}`,
                }, parent);
            }
        }
        if (args.auth !== undefined) {
            // The ALB itself calls the IdP's token and user info endpoints (or Cognito's) while it
            // authenticates a user, and its security group must let it out to them on HTTPS
            // (Elastic Load Balancing, "Authenticate users using an Application Load Balancer",
            // prepare to use an IdP); their addresses are the IdP's, so anywhere.
            new aws.vpc.SecurityGroupEgressRule(`${name}-out-idp`, {
                securityGroupId: group.id,
                ipProtocol: "tcp",
                fromPort: HTTPS,
                toPort: HTTPS,
                cidrIpv4: "0.0.0.0/0",
                description: "the identity provider's endpoints, for authenticate actions",
            }, parent);
        }
        return group;
    }

    private targetGroupsFor(name: string, args: AlbCanaryArgs, agent: AlbAgent): Partial<Record<Track, aws.lb.TargetGroup>> {
        const sticky = args.stickinessSeconds > 0;
        return Object.fromEntries(agent.tracks.map((track) => [track, new aws.lb.TargetGroup(targetGroupName(name, agent.agent, track), {
            vpcId: args.vpcId,
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
            healthCheck: { enabled: true, protocol: "HTTP", port: "traffic-port", path: agent.readyPath, ...HEALTH_CHECK },
            stickiness: { type: "lb_cookie", enabled: sticky, cookieDuration: Math.max(1, args.stickinessSeconds) },
            tags: { agent: agent.agent, track },
        }, { parent: this })]));
    }

    /**
     * The forward, preceded by the authenticate action unless the agent is public: the ALB runs a
     * rule's actions in `order`, and an authenticate action lets a request through to the next one
     * only with a valid session (terraform-provider-aws docs, lb_listener `authenticate_oidc`,
     * `authenticate_cognito`, `order`). The agent then receives the user in x-amzn-oidc-* headers.
     */
    private authenticated(args: AlbCanaryArgs, agent: AlbAgent, forward: Action): Action[] {
        if (agent.public || args.auth === undefined) return [forward];
        const auth = args.auth;
        const session = { scope: auth.config.scope, sessionTimeout: auth.config.sessionTimeoutSeconds, onUnauthenticatedRequest: auth.config.onUnauthenticated };
        const authenticate: Action = auth.kind === "oidc"
            ? {
                type: "authenticate-oidc",
                authenticateOidc: {
                    issuer: auth.config.issuer,
                    authorizationEndpoint: auth.config.authorizationEndpoint,
                    tokenEndpoint: auth.config.tokenEndpoint,
                    userInfoEndpoint: auth.config.userInfoEndpoint,
                    clientId: auth.config.clientId,
                    // A secret Output from config: it stays secret in the state and the plan.
                    clientSecret: auth.config.clientSecret,
                    ...session,
                },
            }
            : {
                type: "authenticate-cognito",
                authenticateCognito: { userPoolArn: auth.config.userPoolArn, userPoolClientId: auth.config.userPoolClientId, userPoolDomain: auth.config.userPoolDomain, ...session },
            };
        return [{ ...authenticate, order: 1 }, { ...forward, order: 2 }];
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
        }, { parent: this });
    }

    private weightedForward(agent: AlbAgent, stickinessSeconds: number): Action {
        const groups = this.targetGroups[agent.agent];
        return {
            type: "forward",
            forward: {
                targetGroups: agent.tracks.map((track) => ({ arn: groups[track]!.arn, weight: agent.weights[track] })),
                // Keeps a client on the track it first landed on, so a conversation does not flip versions.
                stickiness: { enabled: stickinessSeconds > 0, duration: Math.max(1, stickinessSeconds) },
            },
        };
    }

    /** The agent's own route when several agents share the listener, and its header route. */
    private rulesFor(name: string, args: AlbCanaryArgs, agent: AlbAgent): aws.lb.ListenerRule[] {
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
                actions: this.authenticated(args, agent, { type: "forward", targetGroupArn: this.targetGroups[agent.agent][track]!.arn }),
                transforms,
                tags: { agent: agent.agent, route: "header", ...publicTag },
            }, { parent: this }));
        }
        if (shared) {
            rules.push(new aws.lb.ListenerRule(`${name}-${agent.agent}`, {
                listenerArn: this.httpsListener.arn,
                priority: priorities.weighted,
                conditions: select,
                actions: this.authenticated(args, agent, this.weightedForward(agent, args.stickinessSeconds)),
                transforms,
                tags: { agent: agent.agent, route: "weighted", ...publicTag },
            }, { parent: this }));
        }
        return rules;
    }

    /** One TargetGroupBinding per Service; the controller also opens the pods' security group to the ALB. */
    private bindingsFor(name: string, args: AlbCanaryArgs, agent: AlbAgent): k8s.apiextensions.CustomResource[] {
        return agent.tracks.map((track) => {
            const service = agent.services[track];
            if (service === undefined) throw new pulumi.ResourceError(`agent ${agent.agent} has no ${track} Service to bind`, this);
            return new k8s.apiextensions.CustomResource(`${name}-${agent.agent}-${track}-binding`, {
                apiVersion: "elbv2.k8s.aws/v1beta1",
                kind: "TargetGroupBinding",
                metadata: {
                    name: service.metadata.name,
                    namespace: args.namespace,
                    labels: { ...args.labels, ...agentSelector(agent.agent), track, ...MANAGED_BY },
                },
                spec: {
                    serviceRef: { name: service.metadata.name, port: SERVICE_PORT },
                    targetGroupARN: this.targetGroups[agent.agent][track]!.arn,
                    targetType: "ip",
                    vpcID: args.vpcId,
                    networking: {
                        ingress: [{
                            from: [{ securityGroup: { groupID: this.securityGroup.id } }],
                            ports: [{ protocol: "TCP", port: agent.port }],
                        }],
                    },
                },
            }, {
                parent: this,
                provider: args.kubernetesProvider,
                // The controller's webhook refuses any update of these fields (checkImmutableFields in
                // webhooks/elbv2/targetgroupbinding_validator.go), so a replaced target group must
                // replace its binding. The provider would not: none is in its own replace-forcing
                // list, and that list alone makes it ask for delete-before-replace
                // (pulumi-kubernetes provider/pkg/provider/provider.go, Diff). Without
                // deleteBeforeReplace the engine would create the new binding first, under the
                // same fixed name, and fail on "already exists".
                replaceOnChanges: [...TARGET_GROUP_BINDING_IMMUTABLE],
                deleteBeforeReplace: true,
            });
        });
    }
}

function notFound(error: string): Action {
    return { type: "fixed-response", fixedResponse: { statusCode: "404", contentType: "application/json", messageBody: JSON.stringify({ error }) } };
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
    return hosts.size === 1 ? [...hosts] : [args.domain, `*.${args.domain}`];
}
