// One agent's secret in Secrets Manager, sealed with the stack's key and rotated by the configured
// Lambda, and the IAM role (IRSA) that the agent's ServiceAccount, and nothing else, assumes to
// read it. External Secrets Operator reads through that same role.
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaRole, type IrsaRole, type IrsaRoleArgs } from "../../identity/aws/irsaRole";
import { underFormerComponent } from "../../naming/formerComponent";
import { secretRotation } from "./secretRotation";

export interface AgentSecretArgs extends Pick<IrsaRoleArgs, "oidcProviderArn" | "namespace" | "serviceAccountName"> {
    /** Secret name, e.g. `adk/prod/research-agent`. */
    secretName: string;
    /** The agent's variables; a secret Output, stored as one JSON document. */
    values: pulumi.Input<Record<string, string>>;
    kmsKeyArn: pulumi.Input<string>;
    rotationLambdaArn: string;
    rotationDays: number;
    /** Days a deleted secret stays recoverable (0 deletes at once). */
    recoveryWindowInDays: number;
    region: string;
}

/** The secret, and the annotation that lets the agent's ServiceAccount assume the role that reads it. */
export interface AgentSecret extends Pick<IrsaRole, "serviceAccountAnnotations"> {
    secret: aws.secretsmanager.Secret;
}

/**
 * `spec.provider` of an External Secrets SecretStore that reads Secrets Manager as the IRSA role of
 * a ServiceAccount, for which ESO requests a token (external-secrets.io/latest/api/secretstore:
 * `aws.auth.jwt.serviceAccountRef`).
 */
export function secretsManagerStore(region: string, serviceAccountName: string): Record<string, unknown> {
    return { aws: { service: "SecretsManager", region, auth: { jwt: { serviceAccountRef: { name: serviceAccountName } } } } };
}

/** The secret `${name}-secret`, its value, rotation and reader role, under `opts.parent`. */
export function agentSecret(name: string, args: AgentSecretArgs, opts: pulumi.CustomResourceOptions): AgentSecret {
    // Formerly a component of this type: its children keep their URNs.
    const children = underFormerComponent("adk:aws:AgentSecret", name, opts);
    const secret = new aws.secretsmanager.Secret(`${name}-secret`, {
        name: args.secretName,
        description: `Environment of ADK agent ${args.serviceAccountName}, delivered by External Secrets Operator`,
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: args.recoveryWindowInDays,
    }, children);
    const value = new aws.secretsmanager.SecretVersion(`${name}-value`, {
        secretId: secret.id,
        secretString: pulumi.secret(pulumi.output(args.values).apply((values) => JSON.stringify(values))),
    }, {
        ...children,
        // Rotation moves AWSCURRENT to the Lambda's new version; `up` must not move it back.
        ignoreChanges: ["versionStages"],
    });
    secretRotation(name, secret, value, args, children);

    const reader = irsaRole(name, {
        oidcProviderArn: args.oidcProviderArn,
        namespace: args.namespace,
        serviceAccountName: args.serviceAccountName,
        description: `ADK agent ${args.namespace}/${args.serviceAccountName}: reads its own secret only`,
        statements: [
            { Sid: "ReadOwnSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: secret.arn },
            {
                Sid: "DecryptThroughSecretsManager",
                Effect: "Allow",
                Action: "kms:Decrypt",
                Resource: args.kmsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } },
            },
        ],
    }, children);
    return { secret, serviceAccountAnnotations: reader.serviceAccountAnnotations };
}
