// Vertex AI from EKS through Workload Identity Federation for Kubernetes: each agent pod gets a
// projected ServiceAccount token for the pool's provider and a credential configuration that
// tells google-auth to exchange it at Google's STS (IAM docs,
// https://docs.cloud.google.com/iam/docs/workload-identity-federation-with-kubernetes). No key.
import * as k8s from "../../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AgentVolume } from "../../agents/agentWorkload";
import { VERTEX_ENV, type Federation } from "../config";

const TOKEN_DIR = "/var/run/secrets/gcp-workload-identity";
const TOKEN_FILE = "token";
const CONFIG_DIR = "/etc/gcp-workload-identity";
const CONFIG_FILE = "credential-configuration.json";

/**
 * Ten minutes, the shortest lifetime the API server grants a projected token (Kubernetes
 * pkg/apis/core/validation ValidateProjectedVolumeSource: "may not specify a duration less than 10
 * minutes"); the kubelet renews it at 80 %, and google-auth reads the file at every exchange.
 */
export const TOKEN_EXPIRATION_SECONDS = 600;

function providerPath(f: Federation): string {
    return `projects/${f.projectNumber}/locations/global/workloadIdentityPools/${f.poolId}/providers/${f.providerId}`;
}

/** The audience the pool's provider accepts by default, which the projected token must carry. */
export function tokenAudience(f: Federation): string {
    return `https://iam.googleapis.com/${providerPath(f)}`;
}

/**
 * An `external_account` credential configuration with a file source, as `gcloud iam
 * workload-identity-pools create-cred-config --credential-source-file=... --credential-source-type=text`
 * writes it and google-auth reads it (googleapis/google-auth-library-python google/auth/identity_pool.py:
 * `credential_source.file`, `format.type` text; external_account.py: audience, subject_token_type,
 * token_url, service_account_impersonation_url).
 */
export function credentialConfiguration(f: Federation): Record<string, unknown> {
    return {
        type: "external_account",
        audience: `//iam.googleapis.com/${providerPath(f)}`,
        subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        token_url: "https://sts.googleapis.com/v1/token",
        credential_source: { file: `${TOKEN_DIR}/${TOKEN_FILE}`, format: { type: "text" } },
        ...(f.serviceAccount === undefined ? {} : {
            service_account_impersonation_url: `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/${f.serviceAccount}:generateAccessToken`,
        }),
    };
}

/**
 * Who an agent is to Google: its Kubernetes ServiceAccount as a principal of the pool (the token's
 * `sub`, mapped by the provider's `google.subject=assertion.sub`), or the Google service account
 * every agent impersonates when `federation.serviceAccount` is set.
 */
export function federatedPrincipal(f: Federation, namespace: string, serviceAccount: string): string {
    if (f.serviceAccount !== undefined) return `serviceAccount:${f.serviceAccount}`;
    return `principal://iam.googleapis.com/projects/${f.projectNumber}/locations/global/workloadIdentityPools/${f.poolId}/subject/system:serviceaccount:${namespace}:${serviceAccount}`;
}

export interface FederatedCredentialsArgs {
    federation: Federation;
    namespace: pulumi.Input<string>;
    labels?: Record<string, string>;
}

/**
 * The credential configuration in a ConfigMap, not a Secret: it holds no credential, only where
 * the token is and which pool to ask; the token itself is the kubelet's, short-lived, in memory.
 * One for the namespace: its content names no agent, the token does.
 */
export class FederatedCredentials extends pulumi.ComponentResource {
    public readonly configMap: k8s.core.v1.ConfigMap;
    /** The token and configuration volumes, mounted read-only: the root filesystem stays read-only. */
    public readonly volumes: AgentVolume[];
    /** Where google-auth finds the configuration (Application Default Credentials). */
    public readonly env: Record<string, string>;

    constructor(name: string, args: FederatedCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:FederatedCredentials", name, {}, opts);
        // Auto-named and immutable, like the agents' own ConfigMap: a change rolls the pods.
        this.configMap = new k8s.core.v1.ConfigMap(name, {
            metadata: { namespace: args.namespace, labels: args.labels },
            immutable: true,
            data: { [CONFIG_FILE]: JSON.stringify(credentialConfiguration(args.federation), null, 2) },
        }, { parent: this });
        this.volumes = [
            {
                volume: { name: "gcp-token", projected: { sources: [{ serviceAccountToken: { audience: tokenAudience(args.federation), expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: TOKEN_FILE } }] } },
                mount: { name: "gcp-token", mountPath: TOKEN_DIR, readOnly: true },
            },
            {
                volume: { name: "gcp-credentials", configMap: { name: this.configMap.metadata.name } },
                mount: { name: "gcp-credentials", mountPath: CONFIG_DIR, readOnly: true },
            },
        ];
        this.env = { [VERTEX_ENV.credentials]: `${CONFIG_DIR}/${CONFIG_FILE}` };
        this.registerOutputs({ configMapName: this.configMap.metadata.name });
    }
}
