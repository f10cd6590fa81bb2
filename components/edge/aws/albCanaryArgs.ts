// What the stack's Application Load Balancer is built from: the served routes and the stack's
// loadBalancer section as config resolved it.
import type { EdgeAuth } from "../auth";
import type { LoadBalancerConfig } from "../config";
import type { EdgeArgs } from "../routes";

/**
 * The loadBalancer section as the ALB takes it: with its AWS block, which the config checks require
 * on aws, and authentication only of a kind the ALB performs (oidc or cognito).
 */
export type AlbSettings = Omit<LoadBalancerConfig, "aws" | "auth"> & {
    aws: NonNullable<LoadBalancerConfig["aws"]>;
    /** Who may pass: every forward of a non-public agent is preceded by this authentication. */
    auth?: Extract<EdgeAuth, { kind: "oidc" | "cognito" }>;
};

export interface AlbCanaryArgs extends EdgeArgs<AlbSettings> {
    /** Days the access logs are kept: the environment's audit retention. */
    accessLogRetentionDays: number;
}
