// `adk-platform:model` (the stack's default and, on AWS, Workload Identity Federation) and
// `adk-platform:agents[i].model`: how each agent reaches Gemini. `vertex-ai` is Vertex AI through
// the agent's own workload identity, with no key anywhere; `api-key` is the Gemini API with a key
// from `agentSecrets`; `none` wires nothing (an agent on another provider, e.g. LiteLLM).
import { z } from "zod";
import type { Problem } from "../../config/errors";
import type { CheckContext, Cloud, ConfigContext } from "../../config/presets";
import { MODEL_KEY_NAMES } from "../../policy/labels";

const MODEL_ACCESS = ["vertex-ai", "api-key", "none"] as const;
const access = z.enum(MODEL_ACCESS, { error: (issue) => `must be one of ${MODEL_ACCESS.join(", ")}, got ${JSON.stringify(issue.input)}` });

/**
 * A Vertex AI location: `global` (Google's recommended endpoint for Gemini, the widest model
 * choice), a multi-region (`us`, `eu`) or a region such as `europe-west1` for in-region
 * processing (https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations).
 */
const location = z.string().regex(/^(global|us|eu|[a-z]+-[a-z]+\d+)$/, {
    error: (issue) => `must be global, us, eu or a region such as europe-west1, got ${JSON.stringify(issue.input)}`,
});


export const agentModelSchema = z.strictObject({
    access: access.optional(),
    /** Vertex AI location (GOOGLE_CLOUD_LOCATION); the stack's `model.location` by default. */
    location: location.optional(),
});

// Identifiers as IAM accepts them (IAM docs, "Manage workload identity pools and providers":
// 4 to 32 lowercase letters, digits and hyphens; the `gcp-` prefix is reserved).
const poolId = z.string().regex(/^(?!gcp-)[a-z0-9-]{4,32}$/, { error: (issue) => `must be 4 to 32 lowercase letters, digits or hyphens, not starting with gcp-, got ${JSON.stringify(issue.input)}` });

/**
 * Workload Identity Federation for Kubernetes (AWS): the GCP project and the pool's OIDC provider
 * that trusts the EKS cluster's issuer, created beforehand (README, "Vertex AI from EKS"). Without
 * `serviceAccount` each agent's Kubernetes ServiceAccount is its own principal in the pool (direct
 * resource access); with it, every agent of the stack impersonates that one Google service account.
 */
const federationSchema = z.strictObject({
    projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: (issue) => `must be a GCP project id, got ${JSON.stringify(issue.input)}` }),
    projectNumber: z.coerce.string().regex(/^\d{6,20}$/, { error: (issue) => `must be the project's number (digits), got ${JSON.stringify(issue.input)}` }),
    poolId,
    providerId: poolId,
    serviceAccount: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com$/, {
        error: (issue) => `must be a Google service account email (<name>@<project>.iam.gserviceaccount.com), got ${JSON.stringify(issue.input)}`,
    }).optional(),
});

export const modelSchema = z.strictObject({
    /** Every agent's access unless it sets its own: vertex-ai on gcp, api-key on aws. */
    access: access.optional(),
    location: location.default("global"),
    federation: federationSchema.optional(),
}).prefault({});

export type ModelAccess = z.output<typeof access>;
export type RawModel = z.output<typeof modelSchema>;
export type RawAgentModel = z.output<typeof agentModelSchema>;
export type Federation = z.output<typeof federationSchema>;

/** An agent's resolved model access; `location` only for vertex-ai. */
export type AgentModel = { access: "vertex-ai"; location: string } | { access: Exclude<ModelAccess, "vertex-ai"> };

/** The stack's model section as the components take it: the federation settings, on AWS. */
export interface ModelConfig {
    federation?: Federation;
}

/** Environment the platform sets for vertex-ai, which the agent's `env` may not set then. */
export const VERTEX_ENV = {
    project: "GOOGLE_CLOUD_PROJECT",
    location: "GOOGLE_CLOUD_LOCATION",
    useVertex: "GOOGLE_GENAI_USE_VERTEXAI",
    useEnterprise: "GOOGLE_GENAI_USE_ENTERPRISE",
    credentials: "GOOGLE_APPLICATION_CREDENTIALS",
} as const;

/**
 * What google-genai reads to call Vertex AI: the project and location, and the switch, under its
 * older name GOOGLE_GENAI_USE_VERTEXAI and the newer GOOGLE_GENAI_USE_ENTERPRISE, both while ADK
 * releases read one or the other (adk-docs docs/agents/models/google-gemini.md).
 */
export function vertexEnv(project: string, location: string): Record<string, string> {
    return { [VERTEX_ENV.project]: project, [VERTEX_ENV.location]: location, [VERTEX_ENV.useVertex]: "True", [VERTEX_ENV.useEnterprise]: "True" };
}

function defaultAccess(cloud: Cloud): ModelAccess {
    return cloud === "gcp" ? "vertex-ai" : "api-key";
}

interface AgentEntry {
    name: string;
    env: Record<string, string>;
    model?: RawAgentModel;
}

/** The key that chose an agent's access, for messages: its own, the stack's, or the cloud's default. */
function accessOf(agent: AgentEntry, i: number, model: RawModel, cloud: Cloud): { access: ModelAccess; path: PropertyKey[] } {
    if (agent.model?.access) return { access: agent.model.access, path: ["agents", i, "model", "access"] };
    if (model.access) return { access: model.access, path: ["model", "access"] };
    return { access: defaultAccess(cloud), path: ["agents", i, "model", "access"] };
}

/** Combinations that would leave an agent without a working model, or with a key where none belongs. */
export function checkModel(model: RawModel, agents: [number, AgentEntry][], agentSecrets: Record<string, Record<string, string>>, { cloud }: CheckContext): Problem[] {
    if (cloud === undefined) return [];
    const problems: Problem[] = [];
    if (cloud === "gcp" && model.federation) problems.push({ path: ["model", "federation"], message: "only applies on aws: on GKE the agents reach Vertex AI through Workload Identity Federation for GKE" });
    for (const [i, agent] of agents) {
        const { access, path } = accessOf(agent, i, model, cloud);
        const secrets = agentSecrets[agent.name] ?? {};
        const keys = MODEL_KEY_NAMES.filter((k) => k in secrets);
        for (const name of MODEL_KEY_NAMES.filter((k) => k in agent.env)) {
            problems.push({ path: ["agents", i, "env", name], message: `is a secret and env goes into a ConfigMap in clear: set it in adk-platform:agentSecrets.${agent.name}.${name}` });
        }
        if (access === "api-key" && keys.length === 0) {
            problems.push({ path, message: `api-key needs GOOGLE_API_KEY in adk-platform:agentSecrets.${agent.name} (pulumi config set --secret --path 'agentSecrets.${agent.name}.GOOGLE_API_KEY' ...), or model.access vertex-ai or none` });
        }
        if (access !== "vertex-ai" && agent.model?.location) problems.push({ path: ["agents", i, "model", "location"], message: `only applies to model.access vertex-ai; access is ${access}` });
        if (access !== "vertex-ai") continue;
        for (const key of keys) {
            problems.push({ path: ["agentSecrets", agent.name, key], message: `is a model API key, but agents[${i}] reaches Vertex AI through its workload identity (model.access vertex-ai): remove it` });
        }
        for (const name of Object.values(VERTEX_ENV).filter((n) => n in agent.env)) {
            problems.push({ path: ["agents", i, "env", name], message: "is set by the platform for model.access vertex-ai" });
        }
        if (cloud === "aws" && model.federation === undefined) {
            problems.push({ path, message: "vertex-ai on aws needs adk-platform:model.federation (projectId, projectNumber, poolId, providerId of the Workload Identity Federation pool that trusts the EKS cluster)" });
        }
    }
    return problems;
}

export function resolveAgentModel(agent: RawAgentModel | undefined, model: RawModel, { cloud }: Pick<ConfigContext, "cloud">): AgentModel {
    const access = agent?.access ?? model.access ?? defaultAccess(cloud);
    return access === "vertex-ai" ? { access, location: agent?.location ?? model.location } : { access };
}
