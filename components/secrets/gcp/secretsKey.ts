// The stack's Cloud KMS key for the agents' secrets (rotated every 90 days at most, CKV_GCP_43),
// the Secret Manager service agent's right to use it, and the Pub/Sub topic on which Secret
// Manager announces that a secret is due for rotation.
import * as gcp from "../../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import { underFormerComponent } from "../../naming/formerComponent";
import { serviceKey } from "./serviceKey";

export interface SecretsKeyArgs {
    /** Key ring and key name stem, e.g. `adk-prod`. */
    prefix: string;
    /** Region of the key ring; Secret Manager replicas must be in the same location as their key. */
    location: string;
    rotationDays: number;
}

export interface SecretsKey {
    /** Full resource name of the key, as `kmsKeyName` expects it. */
    keyName: pulumi.Output<string>;
    rotationTopic: gcp.pubsub.Topic;
    /** Everything a secret needs before Secret Manager accepts it: the key, the topic and the grants on both. */
    ready: pulumi.Resource[];
}

/** The key ring, key `${name}-key`, rotation topic and the service agent's grants, under `opts.parent`. */
export function secretsKey(name: string, args: SecretsKeyArgs, opts: pulumi.CustomResourceOptions): SecretsKey {
    // Formerly a component of this type: its children keep their URNs.
    const children = underFormerComponent("adk:gcp:SecretsKey", name, opts);
    const { cryptoKey, agent, keyUser: encrypter, ring } = serviceKey(name, {
        ringName: `${args.prefix}-secrets`,
        keyName: `${args.prefix}-agent-secrets`,
        location: args.location,
        rotationSeconds: args.rotationDays * 86400,
        service: "secretmanager.googleapis.com",
    }, children);
    const rotationTopic = new gcp.pubsub.Topic(`${name}-rotation`, { name: `${args.prefix}-secret-rotation` }, children);
    const publisher = new gcp.pubsub.TopicIAMMember(`${name}-rotation-publisher`, {
        topic: rotationTopic.name,
        role: "roles/pubsub.publisher",
        member: pulumi.interpolate`serviceAccount:${agent.email}`,
    }, { ...children, dependsOn: [encrypter] });
    return { keyName: cryptoKey.id, rotationTopic, ready: [ring, cryptoKey, agent, encrypter, rotationTopic, publisher] };
}
