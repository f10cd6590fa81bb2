// The stack's customer-managed key for the agents' secrets: rotated yearly by AWS (the 90-day
// ceiling applies to the secrets themselves), with an alias so operators can find it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SecretsKeyArgs {
    /** Alias without the `alias/` prefix. */
    alias: string;
    /** Days AWS waits before deleting a scheduled key (7 to 30): the window to undo a mistake. */
    deletionWindowInDays: number;
}

export class SecretsKey extends pulumi.ComponentResource {
    public readonly key: aws.kms.Key;
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: SecretsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:SecretsKey", name, {}, opts);
        this.key = new aws.kms.Key(`${name}-key`, {
            description: `ADK agent secrets (${args.alias})`,
            enableKeyRotation: true,
            rotationPeriodInDays: 365,
            deletionWindowInDays: args.deletionWindowInDays,
        }, { parent: this });
        new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.alias}`, targetKeyId: this.key.keyId }, { parent: this });
        this.arn = this.key.arn;
        this.registerOutputs({ arn: this.arn });
    }
}
