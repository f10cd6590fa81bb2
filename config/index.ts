// The one place that reads stack configuration. It validates everything at once, applies the
// environment preset, and hands the program one typed object; components never read config.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, defaultMessage, formatIssues, formatKey, Problem } from "./errors";
import { AUTH_SECRET_KEYS, isPublic } from "../components/edge/auth";
import { CONTRACT_ENV, defaultKeepAlive, gracefulShutdownSeconds } from "../components/agents/contract";
import { checkLoadBalancer, checkRuleSlots, LoadBalancerConfig, resolveLoadBalancer } from "../components/edge/config";
import { checkMonitoring, MonitoringConfig, resolveMonitoring } from "../components/observability/config";
import { Environment, Preset, PRESETS } from "./presets";
import { parseCpu, parseMemory } from "./quantity";
import { AgentDemand, checkSecurity, resolveSecurity, SecurityConfig } from "../components/namespace/config";
import { ENV_NAME, parseImage } from "./primitives";
import { agentSchema, RawAgent, RawConfig, rawConfigSchema, STRATEGIES } from "./schema";

export { ConfigError } from "./errors";
export type { Environment } from "./presets";

export const PROJECT = "adk-platform";

/**
 * Keys whose values are secret whether or not the stack stored them with `--secret`: never echoed,
 * and wrapped in `pulumi.secret` as soon as they are read.
 */
const SECRET_KEYS: readonly (readonly string[])[] = [["agentSecrets"], ["kubeconfig"], ...AUTH_SECRET_KEYS];

export type Strategy = (typeof STRATEGIES)[number];

export interface AgentConfig {
    name: string;
    image: string;
    /** Image tag, or the digest's first 12 hex digits: the pods' `version` label. */
    version: string;
    /** The port the agent listens on, passed to it as PORT. */
    port: number;
    /** Exec-form entrypoint and arguments; the image's own when absent. */
    command?: string[];
    args?: string[];
    replicas: number;
    maxReplicas: number;
    resources: { cpuRequest: string; cpuLimit: string; memoryRequest: string; memoryLimit: string };
    env: Record<string, string>;
    healthPath: string;
    readyPath: string;
    runAsUser: number;
    tmpSizeLimit: string;
    drainSeconds: number;
    shutdownSeconds: number;
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
    /** AWS listener rule slot chosen by the user; by default one derived from the name. */
    priority?: number;
    /**
     * Present when the agent runs a second track (canary, blue-green or A/B). `header` routes by
     * request header (A/B test, blue-green preview); `active` is the blue-green colour in service.
     */
    canary?: {
        image: string; version: string; weight: number;
        header?: { name: string; value: string }; active?: "blue" | "green";
    };
    /** Secret environment of the agent, from `agentSecrets`; always a secret Output. */
    secrets?: pulumi.Output<Record<string, string>>;
}

interface CommonConfig extends Preset {
    project: string;
    stack: string;
    environment: Environment;
    namespace: string;
    kubernetes: { kubeconfig?: pulumi.Output<string>; context?: string };
    agents: AgentConfig[];
    loadBalancer: LoadBalancerConfig;
    monitoring: MonitoringConfig;
    security: SecurityConfig;
}

/** The provider settings of the stack's cloud: a stack has the block of its cloud and no other. */
type CloudSettings = { cloud: "aws"; aws: { region: string } } | { cloud: "gcp"; gcp: { project: string; region: string } };

/** A stack's resolved configuration, discriminated by `cloud`. */
export type PlatformConfig = CommonConfig & CloudSettings;
export type AwsConfig = Extract<PlatformConfig, { cloud: "aws" }>;
export type GcpConfig = Extract<PlatformConfig, { cloud: "gcp" }>;

interface RawValues {
    values: Record<string, unknown>;
    providers: Record<string, string>;
}

/** Reads `adk-platform:*` (structured values arrive as JSON text) and the provider keys we rely on. */
function readRaw(): RawValues {
    const values: Record<string, unknown> = {};
    const providers: Record<string, string> = {};
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        const [namespace, key] = fullKey.split(":", 2);
        if (namespace !== PROJECT) {
            providers[fullKey] = text;
            continue;
        }
        values[key] = /^\s*[[{]/.test(text) ? parseJson(text) : text;
    }
    return { values, providers };
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

function effective<K extends keyof Preset>(raw: Partial<RawConfig>, preset: Preset, key: K): Preset[K] {
    return (raw[key] as Preset[K] | undefined) ?? preset[key];
}

/** The fields of an object that are valid on their own. */
function validFields<T extends z.ZodRawShape>(shape: T, value: unknown): Record<string, unknown> {
    const record = typeof value === "object" && value !== null ? value as Record<string, unknown> : {};
    const fields: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(shape)) {
        const result = (schema as z.ZodType).safeParse(record[key]);
        if (result.success) fields[key] = result.data;
    }
    return fields;
}

/**
 * The keys that are valid on their own, so that checks spanning several keys still run, and
 * report, when some other key is broken: the user sees every problem in one go.
 */
function validParts(values: Record<string, unknown>) {
    const list = Array.isArray(values.agents) ? values.agents : [];
    const agents: [number, RawAgent][] = [];
    list.forEach((value, i) => {
        const result = agentSchema.safeParse(value);
        if (result.success) agents.push([i, result.data]);
    });
    return {
        fields: validFields(rawConfigSchema.shape, values) as Partial<RawConfig>,
        agents,
        // Field by field, even of agents that are broken elsewhere, so that duplicates and
        // forbidden images still show.
        partialAgents: list.map((value, i) => [i, validFields(agentSchema.shape, value) as Partial<RawAgent>] as const),
    };
}

/** Checks that span several keys. */
function crossCheck(raw: Partial<RawConfig>, agents: [number, RawAgent][], partialAgents: (readonly [number, Partial<RawAgent>])[]): Problem[] {
    const problems: Problem[] = [];
    const preset = raw.environment ? PRESETS[raw.environment] : undefined;
    const names = partialAgents.map(([, agent]) => agent.name);
    names.forEach((name, i) => {
        const first = names.indexOf(name);
        if (name !== undefined && first < i) problems.push({ path: ["agents", i, "name"], message: `duplicate agent name "${name}" (also agents[${first}])` });
    });
    for (const [i, agent] of agents) problems.push(...checkAgent(raw, preset, agent, i));
    for (const [name, variables] of Object.entries(raw.agentSecrets ?? {})) {
        if (!names.includes(name)) problems.push({ path: ["agentSecrets", name], message: `no agent is named "${name}"` });
        for (const variable of Object.keys(variables)) {
            if (!ENV_NAME.test(variable)) problems.push({ path: ["agentSecrets", name, variable], message: "is not a valid environment variable name" });
        }
    }
    if (preset && raw.security) {
        problems.push(...checkSecurity(raw.security, raw.environment!, raw.cloud, agents.map(([i, agent]) => agentDemand(raw, preset, agent, i))));
    }
    problems.push(...checkLoadBalancer(raw.loadBalancer, raw.cloud, raw.environment, agents.map(([index, agent]) => ({ ...agent, index }))));
    problems.push(...checkRuleSlots(raw.cloud, partialAgents));
    if (raw.monitoring) problems.push(...checkMonitoring(raw.monitoring, raw.environment, raw.cloud, raw.security?.aws?.oidcProviderArn));
    if (preset && effective(raw, preset, "maxUnavailable") === 0 && effective(raw, preset, "maxSurge") === 0) {
        problems.push({ path: ["maxSurge"], message: "must be at least 1 when maxUnavailable is 0, or a rollout can never progress" });
    }
    return problems;
}

function checkAgent(raw: Partial<RawConfig>, preset: Preset | undefined, agent: RawAgent, i: number): Problem[] {
    const problems: Problem[] = [];
    const at = (...path: PropertyKey[]) => ["agents", i, ...path];
    if (preset) {
        const replicas = agent.replicas ?? effective(raw, preset, "replicas");
        const maxReplicas = agent.maxReplicas ?? effective(raw, preset, "maxReplicas");
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
    const strategy = agent.strategy ?? (agent.canary ? "canary" : "rolling");
    if (agent.canary?.image && agent.canary.tag) problems.push({ path: at("canary", "tag"), message: "set canary.image or canary.tag, not both" });
    if (strategy === "rolling" && agent.canary) problems.push({ path: at("canary"), message: `only applies to the canary, blue-green and ab-testing strategies; strategy is "rolling"` });
    if (strategy !== "rolling" && !agent.canary?.image && !agent.canary?.tag) problems.push({ path: at("canary", "image"), message: `is required for strategy "${strategy}" (set canary.image or canary.tag)` });
    problems.push(...checkRouting(agent.canary, strategy, at));
    return problems;
}

/** Peak pods of an agent: every track at maxReplicas plus the rollout surge. */
function agentDemand(raw: Partial<RawConfig>, preset: Preset, agent: RawAgent, index: number): AgentDemand {
    const tracks = agent.canary ? 2 : 1;
    const pods = tracks * ((agent.maxReplicas ?? effective(raw, preset, "maxReplicas")) + effective(raw, preset, "maxSurge"));
    return { index, pods, ...agent.resources };
}

/** Settings of one strategy given to another would be silently ignored; say so instead. */
function checkRouting(canary: RawAgent["canary"], strategy: Strategy, at: (...path: PropertyKey[]) => PropertyKey[]): Problem[] {
    if (canary === undefined || strategy === "rolling") return [];
    const problems: Problem[] = [];
    if (canary.weight !== undefined && strategy !== "canary") problems.push({ path: at("canary", "weight"), message: `only applies to strategy "canary"; strategy is "${strategy}"` });
    if (canary.active !== undefined && strategy !== "blue-green") problems.push({ path: at("canary", "active"), message: `only applies to strategy "blue-green"; strategy is "${strategy}"` });
    if (canary.header !== undefined && strategy === "canary") problems.push({ path: at("canary", "header"), message: `only applies to strategies "ab-testing" and "blue-green"; strategy is "canary"` });
    if (canary.header === undefined && strategy === "ab-testing") problems.push({ path: at("canary", "header"), message: `is required for strategy "ab-testing": the header (name and value) that sends a request to the canary` });
    return problems;
}

function resolveAgent(raw: RawConfig, preset: Preset, agent: RawAgent): AgentConfig {
    const image = parseImage(agent.image)!;
    const strategy = agent.strategy ?? (agent.canary ? "canary" : "rolling");
    const canaryImage = agent.canary?.image ?? (agent.canary?.tag ? `${image.repository}:${agent.canary.tag}` : undefined);
    const secretValues = raw.agentSecrets[agent.name];
    const lb = raw.loadBalancer;
    return {
        ...agent,
        keepAliveSeconds: agent.keepAliveSeconds ?? defaultKeepAlive(raw.cloud, lb.idleTimeoutSeconds),
        gracefulShutdownSeconds: gracefulShutdownSeconds(agent.shutdownSeconds),
        public: isPublic(agent, { public: lb.public, auth: lb.auth?.oidc ?? lb.auth?.cognito ?? lb.auth?.iap }, raw.environment),
        ...imageFacts(agent.image),
        replicas: agent.replicas ?? effective(raw, preset, "replicas"),
        maxReplicas: agent.maxReplicas ?? effective(raw, preset, "maxReplicas"),
        strategy,
        terminationSeconds: agent.drainSeconds + agent.shutdownSeconds,
        canary: canaryImage === undefined ? undefined : {
            image: canaryImage, ...imageFacts(canaryImage), weight: agent.canary?.weight ?? 10, header: agent.canary?.header, active: agent.canary?.active,
        },
        secrets: secretValues === undefined ? undefined : pulumi.secret(secretValues),
    };
}

function imageFacts(text: string): { version: string } {
    const ref = parseImage(text)!;
    // Label values allow neither ':' nor more than 63 characters, so a digest is shortened.
    return { version: ref.tag ?? ref.digest!.slice("sha256:".length, "sha256:".length + 12) };
}

function providerSettings(cloud: RawConfig["cloud"], providers: Record<string, string>): { problems: string[]; settings?: CloudSettings } {
    const require = (key: string) => providers[key];
    if (cloud === "aws") {
        const region = require("aws:region");
        return region ? { problems: [], settings: { cloud, aws: { region } } } : { problems: ["aws:region: is required when adk-platform:cloud is aws"] };
    }
    const project = require("gcp:project");
    const region = require("gcp:region");
    const problems = [
        ...(project ? [] : ["gcp:project: is required when adk-platform:cloud is gcp"]),
        ...(region ? [] : ["gcp:region: is required when adk-platform:cloud is gcp"]),
    ];
    return problems.length > 0 ? { problems } : { problems, settings: { cloud, gcp: { project, region } } };
}

/**
 * Validates the whole stack configuration and applies the environment preset.
 * Throws a ConfigError that lists every problem, one line each, before any resource exists.
 */
export function loadConfig(): PlatformConfig {
    const { values, providers } = readRaw();
    const parsed = rawConfigSchema.safeParse(values, { reportInput: true, error: defaultMessage });
    const problems = parsed.success ? [] : formatIssues(PROJECT, rawConfigSchema, parsed.error.issues, SECRET_KEYS);
    const parts = validParts(values);
    problems.push(...crossCheck(parts.fields, parts.agents, parts.partialAgents).map((p) => `${formatKey(PROJECT, p.path)}: ${p.message}`));
    const provider = parts.fields.cloud ? providerSettings(parts.fields.cloud, providers) : { problems: [] };
    problems.push(...provider.problems);
    // Without problems the cloud is known and its settings are complete.
    if (!parsed.success || problems.length > 0 || provider.settings === undefined) throw new ConfigError(problems);

    const raw = parsed.data;
    const preset = PRESETS[raw.environment];
    const resolvedPreset = Object.fromEntries(
        (Object.keys(preset) as (keyof Preset)[]).map((key) => [key, effective(raw, preset, key)]),
    ) as unknown as Preset;
    return {
        ...resolvedPreset,
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        ...provider.settings,
        environment: raw.environment,
        namespace: raw.namespace,
        kubernetes: {
            kubeconfig: raw.kubeconfig === undefined ? undefined : pulumi.secret(raw.kubeconfig),
            context: raw.kubeContext,
        },
        agents: raw.agents.map((agent) => resolveAgent(raw, preset, agent)),
        loadBalancer: resolveLoadBalancer(raw.loadBalancer, raw.environment),
        monitoring: resolveMonitoring(raw.monitoring, raw.environment),
        security: resolveSecurity(raw.security, raw.environment),
    };
}

