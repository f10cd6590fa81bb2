import * as gcp from "../sdk/gcp";
import { CloudLoggingBucket } from "../observability/logs/gcp/cloudLoggingBucket";
import { GatewayCanary } from "../edge/gcp/gatewayCanary";
import { ProjectApis } from "./projectApis";
import { workloadIdentity } from "../identity/gcp/workloadIdentity";
import { agentAccessOnGcp } from "../identity/gcp/agentAccess";
import { agentSecret } from "../secrets/gcp/agentSecret";
import { secretsKey } from "../secrets/gcp/secretsKey";
import { KUBE_DNS } from "../namespace/networkPolicies";
import type { GcpConfig } from "../../config";
import { agentEngineSessions } from "../sessions/gcp/agentEngine";
import { CLOUD_SQL_PROXY_PORT } from "../sessions/gcp/authProxy";
import { CloudSqlSessionStore } from "../sessions/gcp/cloudSqlSessionStore";
import type { SessionStore, SessionStoreArgs } from "../sessions/store";
import type { EgressRule } from "../namespace/config";
import { fitName, maxNameLength, nameSafe } from "../naming/names";
import { CLOUD_SECRETS, CLOUD_TRACING_IDENTITY, inCapability } from "./capability";
import { required, servedAgents, type AgentCloudSecret, type AgentSecretsArgs, type CanaryLoadBalancerArgs, type CloudPlatform } from "./cloud";

/**
 * On GKE the metadata address is served by the GKE metadata server, which hands a pod only its
 * own Workload Identity, never the node's credentials; Cloud DNS for GKE answers the pods' DNS
 * queries there too (GKE docs, "Using Cloud DNS for GKE").
 */
const METADATA_ADDRESS = "169.254.169.254/32";

/**
 * Where pods reach the GKE metadata server for Workload Identity tokens, as GKE's docs ask
 * NetworkPolicies to allow it ("Workload Identity Federation for GKE", restrictions): the metadata
 * address on port 80 under GKE Dataplane V2, 169.254.169.252:988 on the legacy dataplane.
 */
function gkeMetadataServer(dataplaneV2: boolean): EgressRule[] {
    return dataplaneV2
        ? [{ cidr: METADATA_ADDRESS, ports: [80], protocol: "TCP" }]
        : [{ cidr: "169.254.169.252/32", ports: [988], protocol: "TCP" }];
}

/** https://cloud.google.com/resource-manager/docs/labels-overview#requirements */
const GCP_LABEL_VALUE_LENGTH = 63;

/**
 * Google front ends and health checkers: where a global external Application Load Balancer's
 * requests come from; for zonal NEG backends the GFE proxies use the health check ranges
 * (https://cloud.google.com/load-balancing/docs/firewall-rules).
 */
export const GOOGLE_FRONT_END_RANGES = ["35.191.0.0/16", "130.211.0.0/22"];

/**
 * The Google APIs the stack's resources call, by what the config turns on. A new project has none
 * of them enabled, and every create fails with SERVICE_DISABLED until they are.
 */
function requiredApis(config: GcpConfig): string[] {
    const secrets = config.security.secretDelivery === "external-secrets";
    const cloudSql = config.sessions.store === "database";
    const cloudTracing = config.monitoring.tracing.enabled && config.monitoring.tracing.backend === "cloud";
    return [
        // The load balancer's address, SSL policy and Cloud Armor policy, and its certificates.
        "compute.googleapis.com",
        "certificatemanager.googleapis.com",
        ...(secrets ? ["secretmanager.googleapis.com", "cloudkms.googleapis.com", "pubsub.googleapis.com"] : []),
        // The session database, its key, and the Auth Proxy's connections.
        ...(cloudSql ? ["sqladmin.googleapis.com", ...(secrets ? [] : ["cloudkms.googleapis.com"])] : []),
        // Google service accounts for Workload Identity.
        ...(secrets || cloudTracing || cloudSql ? ["iam.googleapis.com"] : []),
        ...(cloudTracing ? ["cloudtrace.googleapis.com"] : []),
        ...(config.monitoring.logging.ship ? ["logging.googleapis.com"] : []),
        // Gemini through Vertex AI, and the agents' artifact buckets.
        ...(config.agents.some((a) => a.model.access === "vertex-ai") ? ["aiplatform.googleapis.com"] : []),
        ...(config.agents.some((a) => a.artifacts) ? ["storage.googleapis.com"] : []),
        // The GCPBackendPolicies' Identity-Aware Proxy and its IAM grants.
        ...(config.loadBalancer.auth?.kind === "iap" ? ["iap.googleapis.com"] : []),
    ];
}

export function gcpPlatform(config: GcpConfig): CloudPlatform {
    // Stack names may hold capitals, '_' and '.', which service account ids, labels and key rings may not.
    const stack = nameSafe(config.stack);
    const settings = {
        project: config.gcp.project,
        region: config.gcp.region,
        // A label value holds at most 63 characters, a stack name up to 100.
        defaultLabels: { project: config.project, stack: fitName(stack, GCP_LABEL_VALUE_LENGTH), environment: config.environment, "managed-by": "pulumi", ...config.security.labels },
    };
    // Every resource created through the stack's provider waits for the APIs it calls.
    const apis = new ProjectApis("apis", { settings, services: requiredApis(config) });
    const provider = new gcp.Provider("gcp", settings, { dependsOn: [apis] });
    return {
        cloud: "gcp",
        provider,
        loadBalancerSourceRanges: GOOGLE_FRONT_END_RANGES,
        workloadIdentityEgress: gkeMetadataServer(config.security.gcp.dataplaneV2),
        clusterDns: config.security.gcp.dns === "cloud-dns" ? { address: METADATA_ADDRESS } : KUBE_DNS,
        // GKE's NEG controller adds its readiness gate (cloud.google.com/load-balancer-neg-ready)
        // to every pod behind a NEG by itself (GKE docs, "Pod readiness"): nothing to ask for.
        namespaceLabels: {},
        canaryLoadBalancer: (name, args) => gatewayCanary(config, provider, name, args),
        containerLogs: (name, args) => {
            const logs = new CloudLoggingBucket(name, {
                project: config.gcp.project,
                bucketId: fitName(`${config.project}-${stack}-${args.namespace}`, maxNameLength("gcp:logging/projectBucketConfig:ProjectBucketConfig")),
                namespace: args.namespace,
                retentionDays: config.logRetentionDays,
                protect: config.protect,
            }, { provider });
            return { destination: logs.bucketPath };
        },
        cloudTracing: (name, args) => {
            const writer = workloadIdentity(name, {
                project: config.gcp.project,
                accountName: `adk-traces-${stack}`,
                namespace: args.namespace,
                serviceAccountName: args.serviceAccountName,
                projectRoles: ["roles/cloudtrace.agent"],
            }, inCapability(CLOUD_TRACING_IDENTITY, name, { provider }));
            return { cloudExporter: { name: "googlecloud", config: { project: config.gcp.project } }, serviceAccountAnnotations: writer.serviceAccountAnnotations };
        },
        agentSecrets: (name, args) => secretManager(config, provider, name, args),
        agentAccess: (args) => agentAccessOnGcp(config, provider, args),
        sessionStore: (name, args) => cloudSqlSessions(config, provider, name, args),
    };
}

function cloudSqlSessions(config: GcpConfig, provider: gcp.Provider, name: string, args: SessionStoreArgs): SessionStore | undefined {
    const sessions = config.sessions;
    if (sessions.store === "memory") return undefined;
    if (sessions.store === "agentengine") return agentEngineSessions(name, args, sessions.agentEngineId);
    // components/sessions/config.ts checkSessions: required on gcp.
    const network = required(sessions.database.gcp, "sessions.database.gcp");
    const store = new CloudSqlSessionStore(name, {
        ...args,
        stack: nameSafe(config.stack),
        project: config.gcp.project,
        region: config.gcp.region,
        settings: { ...sessions.database, gcp: network },
        protect: config.protect,
    }, { provider });
    // The proxy reaches the instance on 3307 in the private services range, and the Cloud SQL Admin API over HTTPS.
    return { agents: store.agents, egress: [{ cidrs: [network.privateServicesCidr], ports: [CLOUD_SQL_PROXY_PORT] }], bootstrap: { needsHttps: true } };
}

/** Cloud KMS's own ceiling is a day to 100 years; the policy pack's is 90 days. */
const KEY_ROTATION_DAYS = 90;

function secretManager(config: GcpConfig, provider: gcp.Provider, name: string, args: AgentSecretsArgs): Record<string, AgentCloudSecret> {
    const { project, region } = config.gcp;
    const opts = inCapability(CLOUD_SECRETS, name, { provider, protect: config.protect });
    // Secret Manager checks at creation that its service agent may use the key and the topic, so
    // every secret waits for the key, the topic and the grants on both.
    const stack = nameSafe(config.stack);
    const key = secretsKey(name, { prefix: `adk-${stack}`, location: region, rotationDays: KEY_ROTATION_DAYS }, opts);
    return Object.fromEntries(args.agents.map((agent) => {
        const secret = agentSecret(`${name}-${agent.name}`, {
            secretId: `adk-${stack}-${agent.name}`,
            values: agent.secrets,
            location: region,
            kmsKeyName: key.keyName,
            rotationTopic: key.rotationTopic.id,
            rotationDays: config.security.secretRotationDays,
            project,
            namespace: args.namespace,
            serviceAccountName: agent.name,
        }, { ...opts, dependsOn: key.ready });
        const storeProvider = { gcpsm: { projectID: project, auth: { workloadIdentity: { serviceAccountRef: { name: agent.name } } } } };
        return [agent.name, { serviceAccountAnnotations: secret.serviceAccountAnnotations, storeProvider, remoteKey: secret.secret.secretId }];
    }));
}

function gatewayCanary(config: GcpConfig, provider: gcp.Provider, name: string, args: CanaryLoadBalancerArgs) {
    const lb = config.loadBalancer;
    const gateway = new GatewayCanary(name, {
        ...servedAgents(config, args),
        // components/edge/auth.ts checkAuth: only iap on gcp.
        loadBalancer: { ...lb, auth: lb.auth?.kind === "iap" ? lb.auth : undefined },
        project: config.gcp.project,
        protect: config.protect,
    }, { provider });
    return { url: gateway.url, dnsName: gateway.ipAddress, endpoints: gateway.endpoints, backends: gateway.backends, certificateDnsRecords: gateway.dnsRecords };
}
