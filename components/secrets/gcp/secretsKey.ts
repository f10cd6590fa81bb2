// The stack's Cloud KMS key for the agents' secrets (rotated every 90 days at most, CKV_GCP_43),
// the Secret Manager service agent's right to use it, and the Pub/Sub topic on which Secret
// Manager announces that a secret is due for rotation.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { fitName, maxNameLength } from "../../naming/names";

export interface SecretsKeyArgs {
    /** Key ring and key name stem, e.g. `adk-prod`. */
    prefix: string;
    /** Region of the key ring; Secret Manager replicas must be in the same location as their key. */
    location: string;
    rotationDays: number;
}

export class SecretsKey extends pulumi.ComponentResource {
    public readonly cryptoKey: gcp.kms.CryptoKey;
    /** Full resource name of the key, as `kmsKeyName` expects it. */
    public readonly keyName: pulumi.Output<string>;
    public readonly rotationTopic: gcp.pubsub.Topic;

    constructor(name: string, args: SecretsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:SecretsKey", name, {}, opts);
        const parent = { parent: this };
        const ring = new gcp.kms.KeyRing(`${name}-ring`, { name: fitName(`${args.prefix}-secrets`, maxNameLength("gcp:kms/keyRing:KeyRing")), location: args.location }, parent);
        this.cryptoKey = new gcp.kms.CryptoKey(`${name}-key`, {
            name: fitName(`${args.prefix}-agent-secrets`, maxNameLength("gcp:kms/cryptoKey:CryptoKey")),
            keyRing: ring.id,
            purpose: "ENCRYPT_DECRYPT",
            rotationPeriod: `${args.rotationDays * 86400}s`,
        }, parent);
        this.keyName = this.cryptoKey.id;

        const agent = new gcp.projects.ServiceIdentity(`${name}-secretmanager-agent`, { service: "secretmanager.googleapis.com" }, parent);
        const encrypter = new gcp.kms.CryptoKeyIAMMember(`${name}-key-user`, {
            cryptoKeyId: this.cryptoKey.id,
            role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member: pulumi.interpolate`serviceAccount:${agent.email}`,
        }, parent);
        this.rotationTopic = new gcp.pubsub.Topic(`${name}-rotation`, { name: `${args.prefix}-secret-rotation` }, parent);
        new gcp.pubsub.TopicIAMMember(`${name}-rotation-publisher`, {
            topic: this.rotationTopic.name,
            role: "roles/pubsub.publisher",
            member: pulumi.interpolate`serviceAccount:${agent.email}`,
        }, { parent: this, dependsOn: [encrypter] });
        this.registerOutputs({ keyName: this.keyName, rotationTopic: this.rotationTopic.id });
    }
}
