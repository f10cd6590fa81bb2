// Rotation of a Secrets Manager secret by a Lambda function the operators deploy: Secrets Manager
// invokes the function for rotation steps only when allowed to, and only for this secret.
import * as aws from "../../sdk/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface SecretRotationArgs {
    rotationLambdaArn: string;
    rotationDays: number;
}

/** `${name}-rotation-invoke` and `${name}-rotation`, with `opts`; the first rotation waits for the schedule. */
export function secretRotation(name: string, secret: aws.secretsmanager.Secret, value: aws.secretsmanager.SecretVersion, args: SecretRotationArgs, opts: pulumi.CustomResourceOptions): void {
    const invoke = new aws.lambda.Permission(`${name}-rotation-invoke`, {
        function: args.rotationLambdaArn,
        action: "lambda:InvokeFunction",
        principal: "secretsmanager.amazonaws.com",
        sourceArn: secret.arn,
    }, opts);
    new aws.secretsmanager.SecretRotation(`${name}-rotation`, {
        secretId: secret.id,
        rotationLambdaArn: args.rotationLambdaArn,
        rotationRules: { automaticallyAfterDays: args.rotationDays },
        // The value stored by `up` stays until the first scheduled rotation.
        rotateImmediately: false,
    }, {
        ...opts,
        // Configuring rotation makes Secrets Manager run the function's testSecret step at once
        // (RotateSecret with RotateImmediately false, AWS Secrets Manager API reference), which
        // needs a current value to test and the right to invoke the function.
        dependsOn: [value, invoke],
    });
}
