// The stack configuration as the user writes it (keys `adk-platform:<key>`), before presets are
// applied. Every object is strict so that a misspelt key is reported instead of silently ignored.
import { z } from "zod";
import { agentSchema } from "../components/agents/config";
import { loadBalancerSchema } from "../components/edge/config";
import { monitoringSchema } from "../components/observability/config";
import { CLOUDS, ENVIRONMENTS } from "./presets";
import { dnsLabel, flag, intBetween } from "./primitives";
import { securitySchema } from "../components/namespace/config";
import { modelSchema } from "../components/model/config";
import { sessionsSchema } from "../components/sessions/config";

export const rawConfigSchema = z.strictObject({
    cloud: z.enum(CLOUDS, { error: (issue) => issue.input === undefined ? "is required (aws or gcp)" : `must be one of ${CLOUDS.join(", ")}, got ${JSON.stringify(issue.input)}` }),
    environment: z.enum(ENVIRONMENTS, { error: (issue) => issue.input === undefined ? "is required (dev, staging or prod)" : `must be one of ${ENVIRONMENTS.join(", ")}, got ${JSON.stringify(issue.input)}` }),
    agents: z.array(agentSchema, { error: (issue) => issue.input === undefined ? "is required: a list of agents, each with name and image" : `must be a list of agents, got ${JSON.stringify(issue.input)}` })
        .min(1, { error: "must list at least one agent" }),
    namespace: dnsLabel(63).default("adk-agents"),
    kubeconfig: z.string().min(1).optional(),
    kubeContext: z.string().min(1).optional(),
    /** Secret: agent name -> environment variable -> value. */
    agentSecrets: z.record(z.string(), z.record(z.string(), z.string())).default({}),
    replicas: intBetween(1, 1000).optional(),
    maxReplicas: intBetween(1, 1000).optional(),
    maxUnavailable: intBetween(0, 100).optional(),
    maxSurge: intBetween(0, 100).optional(),
    protect: flag.optional(),
    topologySpread: flag.optional(),
    logRetentionDays: intBetween(1, 3653).optional(),
    auditRetentionDays: intBetween(1, 3653).optional(),
    loadBalancer: loadBalancerSchema,
    monitoring: monitoringSchema,
    security: securitySchema,
    model: modelSchema,
    sessions: sessionsSchema,
});

export type RawConfig = z.infer<typeof rawConfigSchema>;
