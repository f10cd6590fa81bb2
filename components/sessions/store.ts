// What a session store gives the agents, whatever the cloud: the Secret that holds each agent's
// session URI, the identity and sidecars its pods need to use it, and where they connect.
import * as k8s from "../sdk/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { AgentConfig } from "../agents/config";
import type { SecretEnvVar } from "../agents/agentWorkload";
import { SESSION_URI_ENV } from "../agents/contract";

/** PostgreSQL's port, where the agents (or the Cloud SQL Auth Proxy beside them) connect. */
export const POSTGRES_PORT = 5432;

/** The Cloud SQL Auth Proxy beside each agent container, and the psql container of each bootstrap Job. */
export const PROXY_RESOURCES = { cpuRequest: "50m", cpuLimit: "500m", memoryRequest: "64Mi", memoryLimit: "256Mi" };
export const BOOTSTRAP_RESOURCES = { cpuRequest: "50m", cpuLimit: "200m", memoryRequest: "64Mi", memoryLimit: "128Mi" };

/** One of those as a container's `resources`; the quota check (sessionDemands) counts the same figures. */
export function containerResources(r: typeof PROXY_RESOURCES): k8s.types.input.core.v1.ResourceRequirements {
    return { requests: { cpu: r.cpuRequest, memory: r.memoryRequest }, limits: { cpu: r.cpuLimit, memory: r.memoryLimit } };
}

/** The key of the agent's session Secret that holds the URI (`SESSION_SERVICE_URI` in the container). */
export const SESSION_URI_KEY = SESSION_URI_ENV;

export interface AgentSession {
    /** The Kubernetes Secret and key that hold the agent's session URI; never a ConfigMap. */
    uriSecret: { name: pulumi.Input<string>; key: string };
    /** Annotations the agent's ServiceAccount needs for the store (GKE Workload Identity for the proxy). */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** Native sidecars: init containers with `restartPolicy: Always` (the Cloud SQL Auth Proxy). */
    sidecars?: k8s.types.input.core.v1.Container[];
}

/** Egress the store needs: addresses known at deployment (the database subnets, the private services range). */
export interface SessionEgress {
    cidrs: pulumi.Input<pulumi.Input<string>[]>;
    ports: number[];
}

export interface SessionStore {
    /** By agent name. */
    agents: Record<string, AgentSession>;
    /** Where the agents connect. */
    egress: SessionEgress[];
    /** The Jobs that create each agent's database and role (SessionBootstrap), when the store has them. */
    bootstrap?: {
        /** Whether their pods call a cloud API over HTTPS (the proxy's Cloud SQL Admin API). */
        needsHttps: boolean;
    };
}

export interface SessionStoreArgs {
    namespace: string;
    agents: AgentConfig[];
    /** The annotations each agent's ServiceAccount already carries (the cloud identity of its secrets), by agent. */
    serviceAccountAnnotations: Record<string, Record<string, pulumi.Input<string>>>;
    kubernetesProvider: k8s.Provider;
    /** What the in-cluster objects wait for: the namespace. */
    dependsOn?: pulumi.Input<pulumi.Resource>[];
    /** How often External Secrets Operator re-reads the cloud secrets. */
    refreshInterval: string;
    labels?: Record<string, string>;
}

/** The agent's database and role: PostgreSQL identifiers without quoting trouble (ADK's tables live in it). */
export function databaseName(agent: string): string {
    return agent.replace(/-/g, "_");
}

/** The agent's session Secret `<agent>-sessions` (`${name}-${agent}-uri`), holding its URI under SESSION_URI_KEY. */
export function sessionUriSecret(name: string, agent: string, uri: pulumi.Input<string>, args: Pick<SessionStoreArgs, "namespace" | "labels">, opts: pulumi.CustomResourceOptions): AgentSession["uriSecret"] {
    const secret = new k8s.core.v1.Secret(`${name}-${agent}-uri`, {
        metadata: { name: `${agent}-sessions`, namespace: args.namespace, labels: args.labels },
        type: "Opaque",
        stringData: { [SESSION_URI_KEY]: uri },
    }, opts);
    return { name: secret.metadata.name, key: SESSION_URI_KEY };
}

/** The agent's `SESSION_SERVICE_URI`, from its session Secret. */
export function sessionEnv(session: AgentSession | undefined): SecretEnvVar[] {
    return session === undefined ? [] : [{ name: SESSION_URI_ENV, secretName: session.uriSecret.name, key: session.uriSecret.key }];
}
