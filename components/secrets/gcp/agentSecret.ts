// One agent's secret in Secret Manager, replicated in the stack's region under the stack's key,
// announcing rotation on the stack's topic; and the Google service account that the agent's
// Kubernetes ServiceAccount impersonates (GKE Workload Identity), allowed to read that secret only.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { WorkloadIdentity } from "../../identity/gcp/workloadIdentity";

export interface AgentSecretArgs {
    secretId: string;
    values: pulumi.Input<Record<string, string>>;
    location: string;
    kmsKeyName: pulumi.Input<string>;
    rotationTopic: pulumi.Input<string>;
    rotationDays: number;
    project: string;
    namespace: string;
    serviceAccountName: string;
}

/**
 * The first rotation notice: one period after the end of the day of creation, so that it reads the
 * same all day (no diff between two plans of a day) and is always more than the 5 minutes ahead
 * that Secret Manager requires of `rotation.nextRotationTime` (Secret Manager docs, "Create
 * rotation schedules": at least 5 minutes in the future). Secret Manager moves it on by itself.
 */
export function firstRotationTime(now: number, periodSeconds: number): string {
    const endOfDay = (Math.floor(now / 86400000) + 1) * 86400;
    return new Date((endOfDay + periodSeconds) * 1000).toISOString();
}

export class AgentSecret extends pulumi.ComponentResource {
    public readonly secret: gcp.secretmanager.Secret;
    public readonly identity: WorkloadIdentity;
    public readonly serviceAccountEmail: pulumi.Output<string>;

    constructor(name: string, args: AgentSecretArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:AgentSecret", name, {}, opts);
        const period = args.rotationDays * 86400;
        const firstRotation = firstRotationTime(Date.now(), period);
        this.secret = new gcp.secretmanager.Secret(`${name}-secret`, {
            secretId: args.secretId,
            replication: { userManaged: { replicas: [{ location: args.location, customerManagedEncryption: { kmsKeyName: args.kmsKeyName } }] } },
            rotation: { rotationPeriod: `${period}s`, nextRotationTime: firstRotation },
            topics: [{ name: args.rotationTopic }],
        }, { parent: this, ignoreChanges: ["rotation.nextRotationTime"] });
        new gcp.secretmanager.SecretVersion(`${name}-value`, {
            secret: this.secret.id,
            secretData: pulumi.secret(pulumi.output(args.values).apply((values) => JSON.stringify(values))),
        }, { parent: this });

        this.identity = new WorkloadIdentity(name, {
            project: args.project,
            // Named after the secret, which carries the stack: stacks may share a project.
            accountName: args.secretId,
            namespace: args.namespace,
            serviceAccountName: args.serviceAccountName,
        }, { parent: this });
        this.serviceAccountEmail = this.identity.email;
        new gcp.secretmanager.SecretIamMember(`${name}-reader`, {
            secretId: this.secret.id,
            role: "roles/secretmanager.secretAccessor",
            member: pulumi.interpolate`serviceAccount:${this.identity.email}`,
        }, { parent: this });
        this.registerOutputs({ serviceAccountEmail: this.serviceAccountEmail, secretId: this.secret.id });
    }
}
