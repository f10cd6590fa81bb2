// `adk-platform:agents`: each agent's schema, the checks its entry needs beyond the schema, and its
// resolution against the stack's cloud, environment and preset into the AgentConfig the
// components build from.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { Problem } from "../../config/errors";
import type { CheckContext, ConfigContext, Preset } from "../../config/presets";
import { cpu, dnsLabel, ENV_NAME, flag, intBetween, memory, parseImage, pinnedImage, pinnedTag } from "../../config/primitives";
import { parseCpu, parseMemory } from "../../config/quantity";
import { isPublic, type RawAuth } from "../edge/auth";
import { ALB_RULE_SLOTS } from "../edge/routes";
import type { AgentDemand } from "../namespace/config";
import { agentModelSchema, resolveAgentModel, type AgentModel, type RawModel } from "../model/config";
import { analysisSchema, checkAnalysis } from "./canaryAnalysis";
import { CONTRACT_ENV, DEFAULT_PORT, DEFAULT_PROBE_PATH, defaultKeepAlive, gracefulShutdownSeconds } from "./contract";

const httpPath = z.string().regex(/^\/[\w\-./~%]*$/, {
    error: (issue) => `must be an absolute HTTP path such as /health, got ${JSON.stringify(issue.input)}`,
});

const STRATEGIES = ["rolling", "canary", "blue-green", "ab-testing"] as const;

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
    /** Strategy canary: how `npm run canary:step` judges each weight step (canaryAnalysis.ts). */
    analysis: analysisSchema.optional(),
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
    }).prefault({}),
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
    /** How the agent reaches Gemini (components/model/config.ts); the stack's `model` by default. */
    model: agentModelSchema.optional(),
    /** A bucket of the agent's own for ADK's artifact service (gs:// on GCP, s3:// on AWS). */
    artifacts: flag.default(false),
});

export type RawAgent = z.infer<typeof agentSchema>;

export type Strategy = (typeof STRATEGIES)[number];

/** An agent as the components get it: the schema's output with the stack's defaults resolved. */
export type AgentConfig = Omit<RawAgent, "replicas" | "maxReplicas" | "keepAliveSeconds" | "public" | "strategy" | "canary" | "model"> & {
    /** Image tag, or the digest's first 12 hex digits: the pods' `version` label. */
    version: string;
    replicas: number;
    maxReplicas: number;
    /**
     * The termination budget: from the moment a pod is marked for termination, `drainSeconds` of
     * serving while load balancers stop sending, then `shutdownSeconds` to finish what is in
     * flight. The pod's grace period, the ALB's deregistration delay and GKE's connection draining
     * are all this one figure, so that no layer cuts a request another layer still waits for.
     */
    terminationSeconds: number;
    /** The agent's idle keep-alive: longer than the load balancer's, so that the load balancer closes connections first. */
    keepAliveSeconds: number;
    /** How long uvicorn waits for in-flight requests after SIGTERM: a little less than `shutdownSeconds`. */
    gracefulShutdownSeconds: number;
    /** Served without authentication at the load balancer. */
    public: boolean;
    strategy: Strategy;
    /**
     * Present when the agent runs a second track (canary, blue-green or A/B). `header` routes by
     * request header (A/B test, blue-green preview); `active` is the blue-green colour in service.
     */
    canary?: Pick<NonNullable<RawAgent["canary"]>, "header" | "active"> & { image: string; version: string; weight: number };
    /** Secret environment of the agent, from `agentSecrets`; always a secret Output. */
    secrets?: pulumi.Output<Record<string, string>>;
    /** How the agent reaches Gemini, resolved against the stack's `model` and cloud. */
    model: AgentModel;
};

/** Checks of one agent's entry that the schema cannot express; without a valid environment, the preset's are skipped. */
export function checkAgent(agent: RawAgent, i: number, { preset }: CheckContext): Problem[] {
    const problems: Problem[] = [];
    const at = (...path: PropertyKey[]) => ["agents", i, ...path];
    if (preset) {
        const replicas = agent.replicas ?? preset.replicas;
        const maxReplicas = agent.maxReplicas ?? preset.maxReplicas;
        if (replicas > maxReplicas) {
            const where = agent.replicas !== undefined ? at("replicas") : ["replicas"];
            problems.push({ path: where, message: `must not exceed maxReplicas (${maxReplicas}), got ${replicas}` });
        }
    }
    const r = agent.resources;
    if (parseCpu(r.cpuRequest)! > parseCpu(r.cpuLimit)!) problems.push({ path: at("resources", "cpuRequest"), message: `must not exceed cpuLimit (${r.cpuLimit}), got ${r.cpuRequest}` });
    if (parseMemory(r.memoryRequest)! > parseMemory(r.memoryLimit)!) problems.push({ path: at("resources", "memoryRequest"), message: `must not exceed memoryLimit (${r.memoryLimit}), got ${r.memoryRequest}` });
    for (const name of Object.values(CONTRACT_ENV).filter((n) => n in agent.env)) {
        problems.push({ path: at("env", name), message: `is set by the platform (the agent container contract): use agents[${i}].port, keepAliveSeconds or shutdownSeconds instead` });
    }
    const strategy = strategyOf(agent);
    if (agent.canary?.image && agent.canary.tag) problems.push({ path: at("canary", "tag"), message: "set canary.image or canary.tag, not both" });
    if (strategy === "rolling" && agent.canary) problems.push({ path: at("canary"), message: `only applies to the canary, blue-green and ab-testing strategies; strategy is "rolling"` });
    if (strategy !== "rolling" && !agent.canary?.image && !agent.canary?.tag) problems.push({ path: at("canary", "image"), message: `is required for strategy "${strategy}" (set canary.image or canary.tag)` });
    problems.push(...checkRouting(agent.canary, strategy, at), ...checkAnalysis(agent.canary?.analysis, at));
    return problems;
}

/** Peak pods of an agent: every track at maxReplicas plus the rollout surge. */
export function agentDemand(agent: RawAgent, index: number, preset: Preset): AgentDemand {
    const tracks = agent.canary ? 2 : 1;
    const pods = tracks * ((agent.maxReplicas ?? preset.maxReplicas) + preset.maxSurge);
    return { index, pods, ...agent.resources };
}

function strategyOf(agent: RawAgent): Strategy {
    return agent.strategy ?? (agent.canary ? "canary" : "rolling");
}

/** Settings of one strategy given to another would be silently ignored; say so instead. */
function checkRouting(canary: RawAgent["canary"], strategy: Strategy, at: (...path: PropertyKey[]) => PropertyKey[]): Problem[] {
    if (canary === undefined || strategy === "rolling") return [];
    const problems: Problem[] = [];
    for (const key of ["weight", "analysis"] as const) {
        if (canary[key] !== undefined && strategy !== "canary") problems.push({ path: at("canary", key), message: `only applies to strategy "canary"; strategy is "${strategy}"` });
    }
    if (canary.active !== undefined && strategy !== "blue-green") problems.push({ path: at("canary", "active"), message: `only applies to strategy "blue-green"; strategy is "${strategy}"` });
    if (canary.header !== undefined && strategy === "canary") problems.push({ path: at("canary", "header"), message: `only applies to strategies "ab-testing" and "blue-green"; strategy is "canary"` });
    if (canary.header === undefined && strategy === "ab-testing") problems.push({ path: at("canary", "header"), message: `is required for strategy "ab-testing": the header (name and value) that sends a request to the canary` });
    return problems;
}

/** The load balancer settings an agent's defaults follow, and the agent's secret values, if any. */
export interface AgentInputs {
    loadBalancer: { idleTimeoutSeconds: number; public?: boolean; auth?: RawAuth };
    secrets?: Record<string, string>;
    /** The stack's `model` section, the default of each agent's. */
    model: RawModel;
}

export function resolveAgent(agent: RawAgent, context: ConfigContext, inputs: AgentInputs): AgentConfig {
    const image = parseImage(agent.image)!;
    const canaryImage = agent.canary?.image ?? (agent.canary?.tag ? `${image.repository}:${agent.canary.tag}` : undefined);
    const lb = inputs.loadBalancer;
    return {
        ...agent,
        keepAliveSeconds: agent.keepAliveSeconds ?? defaultKeepAlive(context.cloud, lb.idleTimeoutSeconds),
        gracefulShutdownSeconds: gracefulShutdownSeconds(agent.shutdownSeconds),
        public: isPublic(agent, { public: lb.public, auth: lb.auth?.oidc ?? lb.auth?.cognito ?? lb.auth?.iap }, context.environment),
        ...imageFacts(agent.image),
        replicas: agent.replicas ?? context.preset.replicas,
        maxReplicas: agent.maxReplicas ?? context.preset.maxReplicas,
        strategy: strategyOf(agent),
        terminationSeconds: agent.drainSeconds + agent.shutdownSeconds,
        canary: canaryImage === undefined ? undefined : {
            image: canaryImage, ...imageFacts(canaryImage), weight: agent.canary?.weight ?? 10, header: agent.canary?.header, active: agent.canary?.active,
        },
        secrets: inputs.secrets === undefined ? undefined : pulumi.secret(inputs.secrets),
        model: resolveAgentModel(agent.model, inputs.model, context),
    };
}

function imageFacts(text: string): { version: string } {
    const ref = parseImage(text)!;
    // Label values allow neither ':' nor more than 63 characters, so a digest is shortened.
    return { version: ref.tag ?? ref.digest!.slice("sha256:".length, "sha256:".length + 12) };
}
