// The cloud seam: index.ts asks for capabilities ("a canary load balancer", "a secret store", ...)
// through this interface, and the AWS or GCP implementation (aws.ts, gcp.ts) builds them from each
// capability's aws/ or gcp/ folder; components/platform.ts picks one.
import type * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AgentConfig, PlatformConfig } from "../../config";
import type { Track } from "../agents/contract";
import type { AgentVolume } from "../agents/agentWorkload";
import type { EgressRule } from "../namespace/config";
import type { DnsRecord } from "../edge/gcp/gatewayCanary";
import { servedRoutes } from "../edge/routes";
import type { TraceExporter } from "../observability/otelCollector";
import type { ClusterDns } from "../namespace/networkPolicies";
import type { SessionStore, SessionStoreArgs } from "../sessions/store";

export interface CloudPlatform {
    readonly cloud: PlatformConfig["cloud"];
    /** The explicit provider of this cloud; every cloud resource is created through it. */
    readonly provider: pulumi.ProviderResource;
    /** CIDRs the load balancer's requests reach the pods from; the agents' NetworkPolicies admit only these. */
    readonly loadBalancerSourceRanges: pulumi.Input<string>[];
    /** Egress a pod needs to obtain its cloud identity, beyond HTTPS (GKE's metadata server). */
    readonly workloadIdentityEgress: EgressRule[];
    /** Where the cluster's pods resolve names. */
    readonly clusterDns: ClusterDns;
    /** Labels the agents' namespace needs for this cloud's load balancer controller. */
    readonly namespaceLabels: Record<string, string>;
    /** The stack's one load balancer, with a stable and a canary backend per agent. */
    canaryLoadBalancer(name: string, args: CanaryLoadBalancerArgs): CanaryLoadBalancer;
    /**
     * Ships the agents' container logs to the cloud's log service, kept `logRetentionDays`:
     * Fluent Bit to CloudWatch Logs on AWS, GKE's built-in Cloud Logging routed to a log bucket on GCP.
     */
    containerLogs(name: string, args: ContainerLogsArgs): ContainerLogs;
    /** Exporter and workload identity of the collector for `monitoring.tracing.backend: cloud` (X-Ray, Cloud Trace). */
    cloudTracing(name: string, args: CloudTracingArgs): CloudTracing;
    /**
     * For `security.secretDelivery: external-secrets`: each agent's secret in the cloud's secret
     * manager, sealed with the stack's rotating key and rotated itself, readable only by the
     * agent's workload identity (IRSA role, GKE Workload Identity). Keyed by agent name.
     */
    agentSecrets(name: string, args: AgentSecretsArgs): Record<string, AgentCloudSecret>;
    /**
     * The agents' shared session store for `sessions.store` database (RDS for PostgreSQL, Cloud SQL
     * for PostgreSQL) or agentengine (GCP): each agent's session URI in a Secret, and what its pods
     * need to reach the store. Nothing for memory.
     */
    sessionStore(name: string, args: SessionStoreArgs): SessionStore | undefined;
    /**
     * What each agent reaches with its one cloud identity: Vertex AI for `model.access:
     * vertex-ai`, and its artifact bucket. Keyed by agent name, for the agents that need either.
     */
    agentAccess(args: AgentAccessArgs): Record<string, AgentAccess>;
}

export interface AgentAccessArgs {
    /** The agents' namespace (the namespace baseline's output, so that objects wait for it). */
    namespace: pulumi.Input<string>;
    agents: AgentConfig[];
    /**
     * The annotations each agent's ServiceAccount carries already (its secrets', its sessions'),
     * by agent: the IAM role or Google service account they name is the identity the agent's pods
     * act as, and every grant to the agent goes to it, so that an agent has one identity, not one
     * per feature.
     */
    serviceAccountAnnotations: Record<string, Record<string, pulumi.Input<string>>>;
    kubernetesProvider: k8s.Provider;
    labels?: Record<string, string>;
}

export interface AgentAccess {
    /** Non-secret environment (model and artifact settings), for the agent's ConfigMap. */
    env: Record<string, pulumi.Input<string>>;
    /** Only for an identity created for the agent here (an IRSA role for its artifacts). */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    volumes: AgentVolume[];
    /** Who Vertex AI and the artifact bucket see the agent as (IAM member, role ARN), for the stack's outputs. */
    principals: { model?: pulumi.Input<string>; artifacts?: pulumi.Input<string> };
}

export type AgentWithSecrets = AgentConfig & Required<Pick<AgentConfig, "secrets">>;

export interface AgentSecretsArgs {
    namespace: string;
    /** The agents that have secrets; each one's ServiceAccount is named after it. */
    agents: AgentWithSecrets[];
}

export interface AgentCloudSecret {
    /** Map the agent's ServiceAccount to its cloud identity. */
    serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
    /** `spec.provider` of the agent's External Secrets SecretStore, authenticating as that ServiceAccount. */
    storeProvider: Record<string, unknown>;
    /** The secret's name in the cloud store. */
    remoteKey: pulumi.Input<string>;
}

export interface ContainerLogsArgs {
    /** The agents' namespace, whose containers' logs are shipped. */
    namespace: string;
    kubernetesProvider: k8s.Provider;
    labels?: Record<string, string>;
}

export interface ContainerLogs {
    /** Where the logs land: the CloudWatch log group, or the Cloud Logging bucket. */
    destination: pulumi.Output<string>;
}

export interface CloudTracingArgs {
    /** Namespace and name of the collector's ServiceAccount, which the cloud identity trusts. */
    namespace: string;
    serviceAccountName: string;
}

export interface CloudTracing {
    cloudExporter: TraceExporter;
    serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
}

export interface CanaryLoadBalancerArgs {
    /** Agent name -> its Kubernetes Service per track (AgentWorkload's `services`). */
    services: Record<string, Partial<Record<Track, k8s.core.v1.Service>>>;
    namespace: pulumi.Input<string>;
    /** For the in-cluster objects (TargetGroupBinding, Gateway API routes and policies). */
    kubernetesProvider: k8s.Provider;
    labels?: Record<string, string>;
}

/** What both clouds' load balancers take besides the loadBalancer section: each agent's route to its Services, and where they run. */
export function servedAgents(config: PlatformConfig, args: CanaryLoadBalancerArgs) {
    return {
        agents: servedRoutes(config.agents, config.loadBalancer, args.services),
        namespace: args.namespace,
        kubernetesProvider: args.kubernetesProvider,
        labels: args.labels,
    };
}

/**
 * A setting that the config checks require wherever a platform builder uses it: unset there would
 * be a gap in those checks, not a user's mistake, and fails loudly instead of planning a broken resource.
 */
export function required<T>(value: T | undefined, key: string): T {
    if (value === undefined) throw new Error(`${key} is unset, although the config checks require it here`);
    return value;
}

export interface CanaryLoadBalancer {
    /** `https://<domain>`. */
    url: pulumi.Output<string>;
    /** Where the domain must point: the ALB's DNS name on AWS, the global IP address on GCP. */
    dnsName: pulumi.Output<string>;
    /** Public URL of each agent. */
    endpoints: Record<string, string>;
    /** Agent -> track -> the backend's identifier: target group ARN (AWS), `namespace/Service` (GCP). */
    backends: pulumi.Output<Record<string, Partial<Record<Track, string>>>>;
    /**
     * Records the domain's DNS must hold before the certificates can be provisioned: the CNAMEs of
     * Certificate Manager's DNS authorizations on GCP. None on AWS, where ACM validates in Route 53.
     */
    certificateDnsRecords?: pulumi.Output<DnsRecord[]>;
}
