// The stack's customer-managed key for the agents' secrets: rotated yearly by AWS (the 90-day
// ceiling applies to the secrets themselves), with an alias so operators can find it.
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { underFormerComponent } from "../../naming/formerComponent";

export interface SecretsKeyArgs {
    /** Alias without the `alias/` prefix. */
    alias: string;
    /** Days AWS waits before deleting a scheduled key (7 to 30): the window to undo a mistake. */
    deletionWindowInDays: number;
}

/**
 * Days a deleted key or secret stays recoverable: the most AWS allows for a protected stack, the
 * least otherwise. KMS ScheduleKeyDeletion's PendingWindowInDays and Secrets Manager DeleteSecret's
 * RecoveryWindowInDays both take 7 to 30 (AWS KMS and Secrets Manager API references).
 */
export function recoveryWindowDays(protect: boolean): number {
    return protect ? 30 : 7;
}

/** The key `${name}-key` and its alias, under `opts.parent`. */
export function secretsKey(name: string, args: SecretsKeyArgs, opts: pulumi.CustomResourceOptions): aws.kms.Key {
    // Formerly a component of this type: its children keep their URNs.
    const children = underFormerComponent("adk:aws:SecretsKey", name, opts);
    const key = new aws.kms.Key(`${name}-key`, {
        description: `ADK agent secrets (${args.alias})`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: args.deletionWindowInDays,
    }, children);
    new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.alias}`, targetKeyId: key.keyId }, children);
    return key;
}
