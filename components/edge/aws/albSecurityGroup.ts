// The load balancer's security group: HTTPS and the redirecting HTTP in from the allowed ranges,
// out only to the agents' ports in the pods' ranges (and, with authentication, to the IdP).
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlbSettings } from "./albCanaryArgs";
import type { EdgeAgent } from "../routes";

export const HTTPS = 443;
export const HTTP = 80;

/** 80 and 443 from the allowed CIDRs; out only to the agents' ports inside the VPC. */
export function albSecurityGroup(component: pulumi.Resource, name: string, lb: AlbSettings, agents: EdgeAgent[]): aws.ec2.SecurityGroup {
    const parent = { parent: component };
    const group = new aws.ec2.SecurityGroup(`${name}-sg`, {
        vpcId: lb.aws.vpcId,
        description: "ADK agents load balancer: HTTPS and redirecting HTTP in, agent ports out",
    }, parent);
    for (const port of [HTTPS, HTTP]) {
        lb.ingressCidrs.forEach((cidr, i) => {
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
    const podRanges: [string, pulumi.Input<string>][] = lb.aws.podCidrs
        ? lb.aws.podCidrs.map((cidr) => [`-${cidr.replace(/[.:/]+/g, "-")}`, cidr])
        : [["", aws.ec2.getVpcOutput({ id: lb.aws.vpcId }, parent).cidrBlock]];
    for (const port of new Set(agents.map((a) => a.port))) {
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
    if (lb.auth !== undefined) {
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

