// Delivers one agent's cloud secret into the cluster with External Secrets Operator: a SecretStore
// that authenticates as the agent's own ServiceAccount (so it can read that agent's secret and no
// other), and an ExternalSecret that keeps a Kubernetes Secret in sync with it.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";

const ESO_API_VERSION = "external-secrets.io/v1";

export interface AgentExternalSecretArgs {
    namespace: pulumi.Input<string>;
    agent: string;
    /** `spec.provider` of the SecretStore (aws or gcpsm, authenticating as the agent's ServiceAccount). */
    storeProvider: pulumi.Input<Record<string, any>>;
    /** Name of the secret in the cloud store; a JSON document whose keys become the Secret's keys. */
    remoteKey: pulumi.Input<string>;
    /** How often ESO re-reads the cloud secret, so that a rotation reaches the cluster. */
    refreshInterval: string;
    labels?: Record<string, string>;
    /** Keys of the Secret built from the cloud secret's fields (ESO template, `{{ .field }}`); the fields themselves otherwise. */
    templateData?: Record<string, pulumi.Input<string>>;
}

export class AgentExternalSecret extends pulumi.ComponentResource {
    /** Name of the Kubernetes Secret that ESO maintains. */
    public readonly secretName: string;

    constructor(name: string, args: AgentExternalSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:security:AgentExternalSecret", name, {}, opts);
        this.secretName = `${args.agent}-secrets`;
        const metadata = { name: args.agent, namespace: args.namespace, labels: args.labels };
        const store = new k8s.apiextensions.CustomResource(`${name}-store`, {
            apiVersion: ESO_API_VERSION,
            kind: "SecretStore",
            metadata,
            spec: { provider: args.storeProvider },
        }, { parent: this });
        new k8s.apiextensions.CustomResource(`${name}-external-secret`, {
            apiVersion: ESO_API_VERSION,
            kind: "ExternalSecret",
            metadata,
            spec: {
                refreshInterval: args.refreshInterval,
                secretStoreRef: { kind: "SecretStore", name: store.metadata.name },
                target: {
                    name: this.secretName,
                    creationPolicy: "Owner",
                    // Deleting the ExternalSecret must not pull the Secret from under running pods.
                    deletionPolicy: "Retain",
                    template: { metadata: { labels: args.labels }, ...(args.templateData ? { engineVersion: "v2", data: args.templateData } : {}) },
                },
                dataFrom: [{ extract: { key: args.remoteKey } }],
            },
        }, { parent: this });
        this.registerOutputs({ secretName: this.secretName });
    }
}
