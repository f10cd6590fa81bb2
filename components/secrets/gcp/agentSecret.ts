// One agent's secret in Secret Manager, replicated in the stack's region under the stack's key,
// announcing rotation on the stack's topic; and the Google service account that the agent's
// Kubernetes ServiceAccount impersonates (GKE Workload Identity), allowed to read that secret only.
import * as gcp from "../../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import { workloadIdentity, type WorkloadIdentity, type WorkloadIdentityArgs } from "../../identity/gcp/workloadIdentity";
import { underFormerComponent } from "../../naming/formerComponent";

export interface AgentSecretArgs extends Pick<WorkloadIdentityArgs, "project" | "namespace" | "serviceAccountName"> {
    secretId: string;
    values: pulumi.Input<Record<string, string>>;
    location: string;
    kmsKeyName: pulumi.Input<string>;
    rotationTopic: pulumi.Input<string>;
    rotationDays: number;
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

/** The secret, and the annotation that lets the agent's ServiceAccount act as the account that reads it. */
export interface AgentSecret extends Pick<WorkloadIdentity, "serviceAccountAnnotations"> {
    secret: gcp.secretmanager.Secret;
}

/** The secret `${name}-secret`, its value and its reader identity, under `opts.parent`. */
export function agentSecret(name: string, args: AgentSecretArgs, opts: pulumi.CustomResourceOptions): AgentSecret {
    // Formerly a component of this type: its children keep their URNs.
    const children = underFormerComponent("adk:gcp:AgentSecret", name, opts);
    const period = args.rotationDays * 86400;
    const firstRotation = firstRotationTime(Date.now(), period);
    const secret = new gcp.secretmanager.Secret(`${name}-secret`, {
        secretId: args.secretId,
        replication: { userManaged: { replicas: [{ location: args.location, customerManagedEncryption: { kmsKeyName: args.kmsKeyName } }] } },
        rotation: { rotationPeriod: `${period}s`, nextRotationTime: firstRotation },
        topics: [{ name: args.rotationTopic }],
    }, { ...children, ignoreChanges: ["rotation.nextRotationTime"] });
    new gcp.secretmanager.SecretVersion(`${name}-value`, {
        secret: secret.id,
        secretData: pulumi.secret(pulumi.output(args.values).apply((values) => JSON.stringify(values))),
    }, children);

    const identity = workloadIdentity(name, {
        project: args.project,
        // Named after the secret, which carries the stack: stacks may share a project.
        accountName: args.secretId,
        namespace: args.namespace,
        serviceAccountName: args.serviceAccountName,
    }, children);
    new gcp.secretmanager.SecretIamMember(`${name}-reader`, {
        secretId: secret.id,
        role: "roles/secretmanager.secretAccessor",
        member: pulumi.interpolate`serviceAccount:${identity.email}`,
    }, children);
    return { secret, serviceAccountAnnotations: identity.serviceAccountAnnotations };
}
