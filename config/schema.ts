// The stack configuration as the user writes it (keys `adk-platform:<key>`), before presets are
// applied. Every object is strict so that a misspelt key is reported instead of silently ignored.
import { z } from "zod";
import { DEFAULT_PORT, DEFAULT_PROBE_PATH } from "../components/agents/contract";
import { ALB_RULE_SLOTS, loadBalancerSchema } from "../components/edge/config";
import { monitoringSchema } from "../components/observability/config";
import { ENVIRONMENTS } from "./presets";
import { cpu, dnsLabel, ENV_NAME, flag, intBetween, memory, pinnedImage, pinnedTag } from "./primitives";
import { securitySchema } from "../components/namespace/config";

const httpPath = z.string().regex(/^\/[\w\-./~%]*$/, {
    error: (issue) => `must be an absolute HTTP path such as /health, got ${JSON.stringify(issue.input)}`,
});

export const STRATEGIES = ["rolling", "canary", "blue-green", "ab-testing"] as const;

const canarySchema = z.strictObject({
    /** Full image of the canary track; or `tag`, which reuses the stable repository. */
    image: pinnedImage.optional(),
    tag: pinnedTag.optional(),
    /** Percentage of traffic to the canary track (strategy canary). */
    weight: intBetween(0, 100).optional(),
    /** Requests with this header go to the canary (ab-testing) or to the idle colour (blue-green preview). */
    header: z.strictObject({
        // ALB matches at most 40 characters of a header name, and with drop_invalid_header_fields
        // (which the platform sets) it drops every header whose name is not [-A-Za-z0-9]+ before
        // any rule sees it (Elastic Load Balancing docs, "Application Load Balancers", attributes).
        name: z.string().regex(/^[-A-Za-z0-9]{1,40}$/, { error: (issue) => `must be an HTTP header name of at most 40 letters, digits and '-' (the load balancer drops other names), got ${JSON.stringify(issue.input)}` }),
        // Exact match on both clouds: ALB would read '*' and '?' as wildcards, Gateway API would not.
        value: z.string().regex(/^[\x21-\x7e]([\x20-\x7e]{0,126}[\x21-\x7e])?$/, { error: (issue) => `must be 1 to 128 printable characters, got ${JSON.stringify(issue.input)}` })
            .refine((text) => !/[*?]/.test(text), { error: (issue) => `must not contain '*' or '?' (matched exactly), got ${JSON.stringify(issue.input)}` }),
    }).optional(),
    /** Blue-green: the colour that takes all traffic; blue is `image`, green is the canary image. */
    active: z.enum(["blue", "green"], { error: (issue) => `must be blue or green, got ${JSON.stringify(issue.input)}` }).optional(),
});

export const agentSchema = z.strictObject({
    // Room is left for the "-canary" suffix and the load balancer's own prefixes.
    name: dnsLabel(40),
    image: pinnedImage,
    /** Passed to the agent as PORT; ADK's default. */
    port: intBetween(1024, 65535).default(DEFAULT_PORT),
    /**
     * The container's entrypoint and arguments, exec form (no shell, so the server is PID 1 and gets
     * SIGTERM). Kubernetes expands `$(PORT)` and the other container variables in them
     * (Kubernetes docs, "Define a command and arguments for a container"). Unset: the image's own.
     */
    command: z.array(z.string().min(1)).min(1).optional(),
    args: z.array(z.string()).optional(),
    replicas: intBetween(1, 1000).optional(),
    maxReplicas: intBetween(1, 1000).optional(),
    resources: z.strictObject({
        cpuRequest: cpu.default("500m"),
        cpuLimit: cpu.default("1000m"),
        memoryRequest: memory.default("512Mi"),
        memoryLimit: memory.default("1Gi"),
    }).default({ cpuRequest: "500m", cpuLimit: "1000m", memoryRequest: "512Mi", memoryLimit: "1Gi" }),
    env: z.record(z.string().regex(ENV_NAME, { error: (issue) => `is not a valid environment variable name, got ${JSON.stringify(issue.input)}` }), z.coerce.string()).default({}),
    healthPath: httpPath.default(DEFAULT_PROBE_PATH),
    readyPath: httpPath.default(DEFAULT_PROBE_PATH),
    runAsUser: intBetween(1, 2147483647).default(10001),
    tmpSizeLimit: memory.default("256Mi"),
    /** Seconds the pod keeps serving after it is marked for termination, so that load balancers drain it. */
    drainSeconds: intBetween(0, 300).default(15),
    /**
     * Seconds the agent may take to finish in-flight requests after SIGTERM: its longest request
     * (a model call with tools, a streamed answer takes minutes, not the seconds of a web page).
     */
    shutdownSeconds: intBetween(1, 3600).default(300),
    strategy: z.enum(STRATEGIES, { error: (issue) => `must be one of ${STRATEGIES.join(", ")}, got ${JSON.stringify(issue.input)}` }).optional(),
    canary: canarySchema.optional(),
    /**
     * Seconds the agent keeps an idle connection open (UVICORN_TIMEOUT_KEEP_ALIVE); must outlast the
     * load balancer's. By default a little more than the load balancer's.
     */
    keepAliveSeconds: intBetween(1, 86400).optional(),
    /** Served without authentication at the load balancer, whatever `loadBalancer.auth` says. */
    public: flag.optional(),
    /** AWS: the agent's place among the listener rules; by default derived from its name. */
    priority: intBetween(1, ALB_RULE_SLOTS).optional(),
});

export const CLOUDS = ["aws", "gcp"] as const;

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
});

export type RawConfig = z.infer<typeof rawConfigSchema>;
export type RawAgent = z.infer<typeof agentSchema>;
