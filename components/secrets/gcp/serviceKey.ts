// A Cloud KMS key for one Google service's resources (Secret Manager's secrets, a Cloud SQL
// instance), and that service's agent allowed to use it: the service checks the grant when a
// resource that names the key is created (Secret Manager docs, "Enable customer-managed encryption
// keys"; Cloud SQL docs, "Use customer-managed encryption keys").
import * as gcp from "../../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import { fitName, maxNameLength } from "../../naming/names";

export interface ServiceKeyArgs {
    /** Name of the key ring and the key (shortened to KMS's limits). */
    ringName: string;
    keyName: string;
    /** Region of the key ring: a resource and its key must share it. */
    location: string;
    rotationSeconds: number;
    /** The service whose agent encrypts with the key, e.g. `sqladmin.googleapis.com`. */
    service: string;
    /** Protect the key alone (`opts.protect` protects everything). */
    protectKey?: boolean;
}

export interface ServiceKey {
    cryptoKey: gcp.kms.CryptoKey;
    /** The service agent, for further grants (a Pub/Sub topic). */
    agent: gcp.projects.ServiceIdentity;
    /** The agent's right to the key; what uses the key waits for it. */
    keyUser: gcp.kms.CryptoKeyIAMMember;
    ring: gcp.kms.KeyRing;
}

/** `${name}-ring`, `${name}-key`, `${name}-<service>-agent` and `${name}-key-user`, with `opts`. */
export function serviceKey(name: string, args: ServiceKeyArgs, opts: pulumi.CustomResourceOptions): ServiceKey {
    const ring = new gcp.kms.KeyRing(`${name}-ring`, { name: fitName(args.ringName, maxNameLength("gcp:kms/keyRing:KeyRing")), location: args.location }, opts);
    const cryptoKey = new gcp.kms.CryptoKey(`${name}-key`, {
        name: fitName(args.keyName, maxNameLength("gcp:kms/cryptoKey:CryptoKey")),
        keyRing: ring.id,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: `${args.rotationSeconds}s`,
    }, { ...opts, protect: opts.protect || args.protectKey });
    const agent = new gcp.projects.ServiceIdentity(`${name}-${args.service.split(".")[0]}-agent`, { service: args.service }, opts);
    const keyUser = new gcp.kms.CryptoKeyIAMMember(`${name}-key-user`, {
        cryptoKeyId: cryptoKey.id,
        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        member: pulumi.interpolate`serviceAccount:${agent.email}`,
    }, opts);
    return { cryptoKey, agent, keyUser, ring };
}
