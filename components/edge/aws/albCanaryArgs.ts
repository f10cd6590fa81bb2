// What the stack's Application Load Balancer is built from: the served routes and the edge settings.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { EdgeAuth } from "../auth";
import type { ServedRoute } from "../routes";

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
