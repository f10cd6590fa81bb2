// `adk-platform:sessions`: where ADK keeps its conversations. ADK's default in-memory session
// service keeps them in the pod that served the request, so with more than one replica a session
// created on one pod is "Session not found" on the next (google/adk-python
// cli/utils/service_factory.py: in-memory services under Kubernetes; docs/sessions/session/index.md).
import { z } from "zod";
import type { CheckContext, ConfigContext, Environment } from "../../config/presets";
import { cidr, flag, intBetween, pinnedImage } from "../../config/primitives";
import type { Problem } from "../../config/errors";
import type { AgentDemand } from "../namespace/config";
import { SESSION_URI_ENV } from "../agents/contract";
import { rotationLambdaArn } from "../secrets/config";
import { BOOTSTRAP_RESOURCES, PROXY_RESOURCES } from "./store";

const SESSION_STORES = ["memory", "database", "agentengine"] as const;
export type SessionStoreKind = (typeof SESSION_STORES)[number];

const pattern = (re: RegExp, what: string) => z.string().regex(re, { error: (issue) => `must be ${what}, got ${JSON.stringify(issue.input)}` });
const subnetId = pattern(/^subnet-[0-9a-f]{8,17}$/, "a subnet id (subnet-...)");
const securityGroupId = pattern(/^sg-[0-9a-f]{8,17}$/, "a security group id (sg-...)");

const awsNetworkSchema = z.strictObject({
    vpcId: pattern(/^vpc-[0-9a-f]{8,17}$/, "a VPC id (vpc-...)"),
    /** Private subnets in at least two Availability Zones (an RDS DB subnet group requires two). */
    subnetIds: z.array(subnetId).min(2, { error: "must list at least two private subnets in different Availability Zones (RDS DB subnet groups require two)" }),
    /** The cluster security group EKS attaches to the nodes and pods: the only source admitted on 5432. */
    clientSecurityGroupIds: z.array(securityGroupId).default([]),
    /** Or the pods' CIDRs, where pods do not carry the cluster security group. */
    clientCidrs: z.array(cidr).default([]),
    /**
     * The Lambda that rotates each agent's database password: AWS's alternating-users PostgreSQL
     * rotation function (SecretsManagerRDSPostgreSQLRotationMultiUser), deployed in these subnets.
     */
    rotationLambdaArn,
});

const gcpNetworkSchema = z.strictObject({
    /** The VPC that has private services access to Cloud SQL: `projects/<p>/global/networks/<n>` or its self-link. */
    network: pattern(/^(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/global\/networks\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, "a VPC network (projects/<project>/global/networks/<name> or its self-link)"),
    /** Name of the private services access range to allocate the instance's IP from; any of the network's when unset. */
    allocatedIpRange: pattern(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, "the name of an allocated IP range").optional(),
    /** The CIDR of that range: the agents' NetworkPolicies admit the Cloud SQL Auth Proxy to it and nowhere else. */
    privateServicesCidr: cidr,
});

const databaseSchema = z.strictObject({
    /** RDS instance class (AWS). */
    instanceClass: pattern(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "an RDS instance class such as db.t4g.micro").optional(),
    /** Cloud SQL machine tier (GCP). */
    tier: pattern(/^db-[a-z0-9-]+$/, "a Cloud SQL tier such as db-custom-2-7680").optional(),
    storageGb: intBetween(20, 65536).optional(),
    /** PostgreSQL major version. */
    engineVersion: pattern(/^1[4-9]$/, "a PostgreSQL major version from 14 to 19").optional(),
    /** Days of automated backups and point-in-time recovery; RDS keeps at most 35. */
    backupRetentionDays: intBetween(1, 35).optional(),
    /** A standby in a second zone (RDS Multi-AZ, Cloud SQL REGIONAL). */
    highAvailability: flag.optional(),
    deletionProtection: flag.optional(),
    /** The psql image of the Job that creates each agent's database and role. */
    bootstrapImage: pinnedImage.optional(),
    /** The Cloud SQL Auth Proxy image (GCP). */
    proxyImage: pinnedImage.optional(),
    aws: awsNetworkSchema.optional(),
    gcp: gcpNetworkSchema.optional(),
});

export const sessionsSchema = z.strictObject({
    store: z.enum(SESSION_STORES, { error: (issue) => `must be one of ${SESSION_STORES.join(", ")}, got ${JSON.stringify(issue.input)}` }).optional(),
    database: databaseSchema.prefault({}),
    /** Vertex AI Agent Engine (GCP only): the reasoning engine whose sessions the agents use. */
    agentEngine: z.strictObject({
        id: pattern(/^projects\/[^/]+\/locations\/[^/]+\/reasoningEngines\/\d+$/, "a reasoning engine (projects/<p>/locations/<l>/reasoningEngines/<id>)"),
    }).optional(),
}).prefault({});

export type RawSessions = z.output<typeof sessionsSchema>;
type RawDatabase = z.output<typeof databaseSchema>;

/** The per-environment database defaults: dev small and disposable, prod highly available and protected. */
const DATABASE_PRESETS: Record<Environment, Required<Pick<RawDatabase, "instanceClass" | "tier" | "storageGb" | "backupRetentionDays" | "highAvailability">>> = {
    dev: { instanceClass: "db.t4g.micro", tier: "db-g1-small", storageGb: 20, backupRetentionDays: 1, highAvailability: false },
    staging: { instanceClass: "db.t4g.medium", tier: "db-custom-1-3840", storageGb: 20, backupRetentionDays: 7, highAvailability: false },
    prod: { instanceClass: "db.m7g.large", tier: "db-custom-2-7680", storageGb: 100, backupRetentionDays: 30, highAvailability: true },
};

/** Images pinned by tag: the official PostgreSQL image (mirrored on ECR Public) and Google's Cloud SQL Auth Proxy v2. */
const DEFAULT_BOOTSTRAP_IMAGE = "public.ecr.aws/docker/library/postgres:16.6-alpine";
const DEFAULT_PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3";

export type DatabaseSettings = Required<Omit<RawDatabase, "aws" | "gcp">> & Pick<RawDatabase, "aws" | "gcp">;

export type SessionsConfig =
    | { store: "memory" }
    | { store: "agentengine"; agentEngineId: string }
    | { store: "database"; database: DatabaseSettings };

/** Outside dev every agent runs more than one replica by default, so the default store is the database. */
function defaultStore(environment: Environment): SessionStoreKind {
    return environment === "dev" ? "memory" : "database";
}

export function resolveSessions(raw: RawSessions, { environment, preset }: Pick<ConfigContext, "environment" | "preset">): SessionsConfig {
    const store = raw.store ?? defaultStore(environment);
    if (store === "memory") return { store };
    // checkSessions refuses agentengine without its id.
    if (store === "agentengine") return { store, agentEngineId: raw.agentEngine?.id ?? "" };
    const db = raw.database;
    return {
        store,
        database: {
            ...DATABASE_PRESETS[environment],
            engineVersion: "16",
            deletionProtection: preset.protect,
            bootstrapImage: DEFAULT_BOOTSTRAP_IMAGE,
            proxyImage: DEFAULT_PROXY_IMAGE,
            ...Object.fromEntries(Object.entries(db).filter(([, v]) => v !== undefined)),
        } as DatabaseSettings,
    };
}

/** What the memory check needs of an agent: how far its Deployment may scale. */
export interface AgentScale {
    index: number;
    name?: string;
    replicas: number;
    maxReplicas: number;
    /** The agent's own `env` names SESSION_SERVICE_URI, which the store's Secret would silently override. */
    setsSessionUri?: boolean;
}

const AT = ["sessions"] as const;

/** Checks of `sessions` against the cloud, the environment and the agents' replica counts. */
export function checkSessions(raw: RawSessions, { cloud, environment }: CheckContext, agents: AgentScale[], oidcProviderArn?: string): Problem[] {
    if (environment === undefined) return [];
    const store = raw.store ?? defaultStore(environment);
    const problems: Problem[] = [];
    if (store === "memory" && environment !== "dev") {
        for (const agent of agents.filter((a) => a.replicas > 1 || a.maxReplicas > 1)) {
            problems.push({
                path: [...AT, "store"],
                message: `must not be memory in ${environment}: agents[${agent.index}] (${agent.name ?? "unnamed"}) runs ${agent.replicas} replica(s) and its HPA may scale to ${agent.maxReplicas}, and each pod would keep its own sessions ("Session not found" on the next pod); use database${cloud === "gcp" ? " or agentengine" : ""}, or set the agent's replicas and maxReplicas to 1`,
            });
        }
    }
    if (store !== "memory") {
        for (const agent of agents.filter((a) => a.setsSessionUri)) {
            problems.push({ path: ["agents", agent.index, "env", SESSION_URI_ENV], message: `is set by the platform from the session store's Secret (sessions.store is ${store}); remove it from the agent's env` });
        }
    }
    if (store === "agentengine") {
        if (cloud === "aws") problems.push({ path: [...AT, "store"], message: "agentengine (Vertex AI Agent Engine sessions) exists only on gcp; use database on aws" });
        if (raw.agentEngine === undefined) problems.push({ path: [...AT, "agentEngine", "id"], message: "is required when sessions.store is agentengine" });
    }
    if (store === "database" && cloud !== undefined) problems.push(...checkDatabase(raw.database, cloud));
    // External Secrets Operator reads the agents' database credentials through IRSA.
    if (store === "database" && cloud === "aws" && oidcProviderArn === undefined) {
        problems.push({ path: ["security", "aws", "oidcProviderArn"], message: "is required when sessions.store is database on aws (the agents' database credentials reach the cluster through External Secrets and IRSA)" });
    }
    return problems;
}

function checkDatabase(db: RawDatabase, cloud: "aws" | "gcp"): Problem[] {
    const at = (...path: string[]) => [...AT, "database", ...path];
    const other = cloud === "aws" ? "gcp" : "aws";
    const problems: Problem[] = [];
    const misplaced: [keyof RawDatabase, string][] = cloud === "aws" ? [["tier", "instanceClass"], ["proxyImage", ""]] : [["instanceClass", "tier"]];
    for (const [key, instead] of misplaced) {
        if (db[key] !== undefined) problems.push({ path: at(key), message: `is a ${other} setting and does nothing on ${cloud}${instead ? `; use sessions.database.${instead}` : ""}` });
    }
    if (db[other] !== undefined) problems.push({ path: at(other), message: `is for ${other} stacks; this stack's cloud is ${cloud}` });
    if (db[cloud] === undefined) {
        const needs = cloud === "aws" ? "vpcId, subnetIds (private, two AZs) and clientSecurityGroupIds or clientCidrs" : "network and privateServicesCidr";
        problems.push({ path: at(cloud), message: `is required when sessions.store is database on ${cloud}: ${needs}` });
    }
    if (cloud === "aws" && db.aws && db.aws.rotationLambdaArn === undefined) {
        problems.push({ path: at("aws", "rotationLambdaArn"), message: "is required: each agent's database password is rotated (at most every security.secretRotationDays) by AWS's PostgreSQL alternating-users rotation function" });
    }
    if (cloud === "aws" && db.aws && db.aws.clientSecurityGroupIds.length === 0 && db.aws.clientCidrs.length === 0) {
        problems.push({ path: at("aws", "clientSecurityGroupIds"), message: "must list the cluster security group of the pods (or set clientCidrs): without a source the database admits no one" });
    }
    return problems;
}

/**
 * What the session store adds to the namespace's quota: on GCP an Auth Proxy in every agent pod
 * (as many pods as the agent's own demand) and one in each bootstrap pod; everywhere one bootstrap
 * pod per agent (a Job retries one pod at a time).
 */
export function sessionDemands(raw: RawSessions, { cloud, environment }: CheckContext, agents: AgentDemand[]): AgentDemand[] {
    if (environment === undefined || (raw.store ?? defaultStore(environment)) !== "database") return [];
    const proxies = cloud === "gcp" ? agents.map((agent) => ({ ...agent, ...PROXY_RESOURCES, sidecar: true })) : [];
    const bootstrap = agents.flatMap((agent) => [
        { index: agent.index, pods: 1, ...BOOTSTRAP_RESOURCES },
        ...(cloud === "gcp" ? [{ index: agent.index, pods: 1, ...PROXY_RESOURCES, sidecar: true }] : []),
    ]);
    return [...proxies, ...bootstrap];
}
