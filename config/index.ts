// The one place that reads stack configuration. It validates everything at once, applies the
// environment preset, and hands the program one typed object; components never read config.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError, defaultMessage, formatIssues, formatKey, Problem } from "./errors";
import { PROJECT } from "./project";
import { agentDemand, AgentConfig, agentSchema, checkAgent, RawAgent, resolveAgent } from "../components/agents/config";
import { AUTH_SECRET_KEYS } from "../components/edge/auth";
import { checkLoadBalancer, LoadBalancerConfig, resolveLoadBalancer } from "../components/edge/config";
import { checkRuleSlots } from "../components/edge/routes";
import { checkMessageCapture, checkMonitoring, MonitoringConfig, resolveMonitoring } from "../components/observability/config";
import { effectivePreset, Environment, Preset, PRESETS } from "./presets";
import { checkSecurity, resolveSecurity, SecurityConfig } from "../components/namespace/config";
import { checkSessions, resolveSessions, sessionDemands, SessionsConfig } from "../components/sessions/config";
import { SESSION_URI_ENV } from "../components/agents/contract";
import { ENV_NAME } from "./primitives";
import { RawConfig, rawConfigSchema } from "./schema";
import { checkModel, ModelConfig } from "../components/model/config";
import { checkArtifacts } from "../components/artifacts/config";

export { ConfigError } from "./errors";
export { PROJECT } from "./project";
export type { Environment } from "./presets";
export type { AgentConfig, Strategy } from "../components/agents/config";

/**
 * Keys whose values are secret whether or not the stack stored them with `--secret`: never echoed,
 * and wrapped in `pulumi.secret` as soon as they are read.
 */
const SECRET_KEYS: readonly (readonly string[])[] = [["agentSecrets"], ["kubeconfig"], ...AUTH_SECRET_KEYS];

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
    model: ModelConfig;
    sessions: SessionsConfig;
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
    const preset = raw.environment ? effectivePreset(raw, PRESETS[raw.environment]) : undefined;
    const names = partialAgents.map(([, agent]) => agent.name);
    names.forEach((name, i) => {
        const first = names.indexOf(name);
        if (name !== undefined && first < i) problems.push({ path: ["agents", i, "name"], message: `duplicate agent name "${name}" (also agents[${first}])` });
    });
    const context = { cloud: raw.cloud, environment: raw.environment, preset };
    for (const [i, agent] of agents) problems.push(...checkAgent(agent, i, context));
    for (const [name, variables] of Object.entries(raw.agentSecrets ?? {})) {
        if (!names.includes(name)) problems.push({ path: ["agentSecrets", name], message: `no agent is named "${name}"` });
        for (const variable of Object.keys(variables)) {
            if (!ENV_NAME.test(variable)) problems.push({ path: ["agentSecrets", name, variable], message: "is not a valid environment variable name" });
        }
    }
    if (preset && raw.environment && raw.security) {
        const demands = agents.map(([i, agent]) => agentDemand(agent, i, preset));
        problems.push(...checkSecurity(raw.security, { ...context, environment: raw.environment }, [...demands, ...(raw.sessions ? sessionDemands(raw.sessions, context, demands) : [])]));
    }
    problems.push(...checkLoadBalancer(raw.loadBalancer, context, agents.map(([index, agent]) => ({ ...agent, index }))));
    problems.push(...checkRuleSlots(partialAgents, context));
    if (raw.monitoring) problems.push(...checkMonitoring(raw.monitoring, context, raw.security?.aws?.oidcProviderArn));
    if (raw.monitoring) problems.push(...checkMessageCapture(raw.monitoring, raw.security?.dataClassification, agents));
    if (raw.model) problems.push(...checkModel(raw.model, agents, raw.agentSecrets ?? {}, context));
    problems.push(...checkArtifacts(agents, context, raw.security?.aws?.oidcProviderArn));
    if (preset && raw.sessions) {
        problems.push(...checkSessions(raw.sessions, context, agents.map(([index, agent]) => ({ index, name: agent.name, replicas: agent.replicas ?? preset.replicas, maxReplicas: agent.maxReplicas ?? preset.maxReplicas, setsSessionUri: SESSION_URI_ENV in agent.env })), raw.security?.aws?.oidcProviderArn));
    }
    if (preset && preset.maxUnavailable === 0 && preset.maxSurge === 0) {
        problems.push({ path: ["maxSurge"], message: "must be at least 1 when maxUnavailable is 0, or a rollout can never progress" });
    }
    return problems;
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
    const resolvedPreset = effectivePreset(raw, PRESETS[raw.environment]);
    const context = { cloud: raw.cloud, environment: raw.environment, preset: resolvedPreset };
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
        agents: raw.agents.map((agent) => resolveAgent(agent, context, { loadBalancer: raw.loadBalancer, secrets: raw.agentSecrets[agent.name], model: raw.model })),
        loadBalancer: resolveLoadBalancer(raw.loadBalancer, context),
        monitoring: resolveMonitoring(raw.monitoring, context),
        security: resolveSecurity(raw.security, context),
        model: { federation: raw.model.federation },
        sessions: resolveSessions(raw.sessions, context),
    };
}

