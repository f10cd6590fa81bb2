// The secrets part of `adk-platform:security`: how the agents' secrets reach their pods, how often
// they rotate, and how soon a rotation reaches the cluster. The keys stay under `security`; the
// security section's schema, check and resolve take this part from here.
import { z } from "zod";
import type { CheckContext, ConfigContext, Environment } from "../../config/presets";
import { intBetween as int } from "../../config/primitives";
import type { Problem } from "../../config/errors";

const SECRET_DELIVERIES = ["kubernetes", "external-secrets"] as const;
export type SecretDelivery = (typeof SECRET_DELIVERIES)[number];

/** CKV_AWS_304: a secret is rotated at least every 90 days. */
const MAX_ROTATION_DAYS = 90;

const LAMBDA_ARN = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/;

/** `security.secretDelivery`, `security.secretRotationDays`, `security.secretRefreshInterval`. */
export const secretsFields = {
    secretDelivery: z.enum(SECRET_DELIVERIES, {
        error: (issue) => `must be one of ${SECRET_DELIVERIES.join(", ")}, got ${JSON.stringify(issue.input)}`,
    }).optional(),
    secretRotationDays: int(1, MAX_ROTATION_DAYS).default(MAX_ROTATION_DAYS),
    /** How often External Secrets Operator re-reads the cloud secret (a Go duration). */
    secretRefreshInterval: z.string().regex(/^(\d+(h|m|s))+$/, {
        error: (issue) => `must be a duration such as 1h or 15m, got ${JSON.stringify(issue.input)}`,
    }).default("1h"),
};

/** `security.aws.rotationLambdaArn`: the Lambda that Secrets Manager invokes to rotate the agents' secrets. */
export const rotationLambdaArn = z.string().regex(LAMBDA_ARN, {
    error: (issue) => `must be a Lambda function ARN, got ${JSON.stringify(issue.input)}`,
}).optional();

const secretsObject = z.object(secretsFields);
/** The part of the parsed `security` section this module reads. */
export type RawSecrets = z.output<typeof secretsObject> & { aws: { oidcProviderArn?: string; rotationLambdaArn?: string } };

function defaultSecretDelivery(environment: Environment): SecretDelivery {
    return environment === "prod" ? "external-secrets" : "kubernetes";
}

export function resolveSecrets(raw: RawSecrets, { environment }: Pick<ConfigContext, "environment">) {
    return {
        secretDelivery: raw.secretDelivery ?? defaultSecretDelivery(environment),
        secretRotationDays: raw.secretRotationDays,
        secretRefreshInterval: raw.secretRefreshInterval,
    };
}

/** External Secrets on AWS reads through an IRSA role (the cluster's OIDC provider) and rotates through the Lambda. */
export function checkSecrets(raw: RawSecrets, { environment, cloud }: CheckContext & Pick<ConfigContext, "environment">): Problem[] {
    const { secretDelivery } = resolveSecrets(raw, { environment });
    if (cloud !== "aws" || secretDelivery !== "external-secrets") return [];
    return (["oidcProviderArn", "rotationLambdaArn"] as const).filter((key) => raw.aws[key] === undefined).map((key) => ({
        path: ["security", "aws", key],
        message: `is required when secrets are delivered by external-secrets on aws (security.secretDelivery is "${secretDelivery}")`,
    }));
}
