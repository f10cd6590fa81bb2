// `adk-platform:loadBalancer`: the stack's canary load balancer (issue: canary load balancer).
import { z } from "zod";
import type { Environment } from "./presets";

export const loadBalancerSchema = z.strictObject({}).default({});

export type RawLoadBalancer = z.infer<typeof loadBalancerSchema>;

export interface LoadBalancerConfig {}

export function resolveLoadBalancer(_raw: RawLoadBalancer, _environment: Environment): LoadBalancerConfig {
    return {};
}
