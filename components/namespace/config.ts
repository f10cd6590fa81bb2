// `adk-platform:security`: isolation, identity, audit and classification; the keys of the agents'
// secrets (delivery, rotation) are components/secrets/config.ts's, checked and resolved with it.
import { z } from "zod";
import type { CheckContext, ConfigContext, Environment } from "../../config/presets";
import { cidr, cpu, flag, intBetween as int, memory } from "../../config/primitives";
import { parseCpu, parseMemory } from "../../config/quantity";
import type { Problem } from "../../config/errors";
import { checkSecrets, resolveSecrets, rotationLambdaArn, secretsFields } from "../secrets/config";

export const CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
/** Who answers the pods' DNS queries on GKE: Cloud DNS (through the node's metadata address) or kube-dns pods. */
const GKE_DNS_PROVIDERS = ["cloud-dns", "kube-dns"] as const;

// A value that is at once a valid Kubernetes label value, AWS tag value and GCP label value.
const LABEL_VALUE = /^[a-z0-9]([-a-z0-9_]{0,61}[a-z0-9])?$/;
const labelValue = z.string().regex(LABEL_VALUE, {
    error: (issue) => `must be lowercase letters, digits, '-' or '_' (at most 63, usable as a Kubernetes, AWS and GCP label), got ${JSON.stringify(issue.input)}`,
});

const IAM_OIDC_PROVIDER_ARN = /^arn:aws[\w-]*:iam::\d{12}:oidc-provider\/[\w.\-/]+$/;

const quotaSchema = z.strictObject({
    requestsCpu: cpu.optional(),
    requestsMemory: memory.optional(),
    limitsCpu: cpu.optional(),
    limitsMemory: memory.optional(),
    pods: int(1, 10000).optional(),
});

const containerDefaultsSchema = z.strictObject({
    cpuRequest: cpu.optional(),
    cpuLimit: cpu.optional(),
    memoryRequest: memory.optional(),
    memoryLimit: memory.optional(),
    maxCpu: cpu.optional(),
    maxMemory: memory.optional(),
});

const egressRuleSchema = z.strictObject({
    cidr,
    ports: z.array(int(1, 65535)).min(1, { error: "must list at least one port" }),
    protocol: z.enum(["TCP", "UDP"], { error: (issue) => `must be TCP or UDP, got ${JSON.stringify(issue.input)}` }).default("TCP"),
});

export const securitySchema = z.strictObject({
    /** The usual four levels: public, internal, confidential, restricted. */
    dataClassification: z.enum(CLASSIFICATIONS, {
        error: (issue) => `must be one of ${CLASSIFICATIONS.join(", ")}, got ${JSON.stringify(issue.input)}`,
    }).default("confidential"),
    owner: labelValue.default("platform"),
    costCentre: labelValue.default("unallocated"),
    /** Group (as the cluster's authenticator names it) bound to the read-only operator Role. */
    operatorGroup: z.string().min(1).max(253).default("adk-operators"),
    ...secretsFields,
    aws: z.strictObject({
        /** IAM OIDC provider of the EKS cluster, for IRSA. */
        oidcProviderArn: z.string().regex(IAM_OIDC_PROVIDER_ARN, {
            error: (issue) => `must be an IAM OIDC provider ARN (arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>), got ${JSON.stringify(issue.input)}`,
        }).optional(),
        rotationLambdaArn,
    }).prefault({}),
    /**
     * How the GKE cluster routes pod traffic, which decides what the NetworkPolicies must allow.
     * The defaults are Autopilot's: GKE Dataplane V2 and Cloud DNS.
     */
    gcp: z.strictObject({
        dataplaneV2: flag.default(true),
        dns: z.enum(GKE_DNS_PROVIDERS, { error: (issue) => `must be one of ${GKE_DNS_PROVIDERS.join(", ")}, got ${JSON.stringify(issue.input)}` }).default("cloud-dns"),
    }).prefault({}),
    quota: quotaSchema.prefault({}),
    containerDefaults: containerDefaultsSchema.prefault({}),
    /** Egress beyond DNS, the collector and HTTPS to the internet (a database, an internal API). */
    egressAllow: z.array(egressRuleSchema).default([]),
}).prefault({});

export type RawSecurity = z.infer<typeof securitySchema>;

/** The quota with every value set: the environment's, with the configured ones over it. */
export type ResourceQuotaValues = Required<z.output<typeof quotaSchema>>;
export type ContainerDefaults = Required<z.output<typeof containerDefaultsSchema>>;
export type EgressRule = z.output<typeof egressRuleSchema>;

type ResolvedSecrets = ReturnType<typeof resolveSecrets>;

/** The section as the components get it: the schema's output with the environment's defaults resolved. */
export type SecurityConfig = Omit<RawSecurity, keyof ResolvedSecrets | "quota" | "containerDefaults"> & ResolvedSecrets & {
    /** `data-classification`, `owner` and `cost-centre`: on every object of every provider. */
    labels: Record<string, string>;
    quota: ResourceQuotaValues;
    containerDefaults: ContainerDefaults;
};

/**
 * Sized for the agents at maxReplicas plus surge, both tracks, with room for the namespace's
 * collector; `checkSecurity` refuses a quota that the configured agents would outgrow.
 */
const QUOTA: Record<Environment, ResourceQuotaValues> = {
    dev: { requestsCpu: "4", requestsMemory: "8Gi", limitsCpu: "8", limitsMemory: "16Gi", pods: 30 },
    staging: { requestsCpu: "16", requestsMemory: "32Gi", limitsCpu: "32", limitsMemory: "64Gi", pods: 60 },
    prod: { requestsCpu: "32", requestsMemory: "64Gi", limitsCpu: "64", limitsMemory: "128Gi", pods: 100 },
};

/** For containers that set nothing (sidecars, debug containers): a quota namespace rejects them otherwise. */
const CONTAINER_DEFAULTS: ContainerDefaults = {
    cpuRequest: "100m", cpuLimit: "500m", memoryRequest: "128Mi", memoryLimit: "512Mi", maxCpu: "4", maxMemory: "8Gi",
};

export function resolveSecurity(raw: RawSecurity, { environment }: Pick<ConfigContext, "environment">): SecurityConfig {
    const strip = <T extends object>(value: T) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
    return {
        ...raw,
        ...resolveSecrets(raw, { environment }),
        labels: { "data-classification": raw.dataClassification, owner: raw.owner, "cost-centre": raw.costCentre },
        quota: { ...QUOTA[environment], ...strip(raw.quota) },
        containerDefaults: { ...CONTAINER_DEFAULTS, ...strip(raw.containerDefaults) },
    };
}

/** What one agent can claim at its peak: every track at maxReplicas plus the rollout surge. */
export interface AgentDemand {
    index: number;
    pods: number;
    /** Containers that run in pods another demand already counts (a sidecar): resources, but no pods, of their own. */
    sidecar?: boolean;
    cpuRequest: string;
    cpuLimit: string;
    memoryRequest: string;
    memoryLimit: string;
}

/** Checks of `security` against the cloud and the agents; paths are relative to the project. */
export function checkSecurity(raw: RawSecurity, { environment, cloud }: CheckContext & Pick<ConfigContext, "environment">, demands: AgentDemand[]): Problem[] {
    const problems: Problem[] = checkSecrets(raw, { environment, cloud });
    const resolved = resolveSecurity(raw, { environment });
    const sum = (pick: (d: AgentDemand) => number) => demands.reduce((total, d) => total + pick(d), 0);
    const needs: [keyof ResourceQuotaValues, number, (text: string) => number | undefined][] = [
        ["requestsCpu", sum((d) => d.pods * parseCpu(d.cpuRequest)!), parseCpu],
        ["requestsMemory", sum((d) => d.pods * parseMemory(d.memoryRequest)!), parseMemory],
        ["limitsCpu", sum((d) => d.pods * parseCpu(d.cpuLimit)!), parseCpu],
        ["limitsMemory", sum((d) => d.pods * parseMemory(d.memoryLimit)!), parseMemory],
        ["pods", sum((d) => d.sidecar ? 0 : d.pods), (text) => Number(text)],
    ];
    for (const [key, need, parse] of needs) {
        const have = parse(String(resolved.quota[key]))!;
        if (need > have) {
            problems.push({ path: ["security", "quota", key], message: `must cover the agents at maxReplicas plus surge on every track (${formatNeed(key, need)}), got ${resolved.quota[key]}` });
        }
    }
    const limits = resolved.containerDefaults;
    for (const d of demands) {
        if (parseCpu(d.cpuLimit)! > parseCpu(limits.maxCpu)!) problems.push({ path: ["agents", d.index, "resources", "cpuLimit"], message: `exceeds the namespace's per-container maximum security.containerDefaults.maxCpu (${limits.maxCpu}), got ${d.cpuLimit}` });
        if (parseMemory(d.memoryLimit)! > parseMemory(limits.maxMemory)!) problems.push({ path: ["agents", d.index, "resources", "memoryLimit"], message: `exceeds the namespace's per-container maximum security.containerDefaults.maxMemory (${limits.maxMemory}), got ${d.memoryLimit}` });
    }
    return problems;
}

function formatNeed(key: keyof ResourceQuotaValues, need: number): string {
    if (key === "requestsMemory" || key === "limitsMemory") return `needs ${Math.ceil(need / 2 ** 20)}Mi`;
    return `needs ${Math.round(need * 1000) / 1000}`;
}
