// `adk-platform:loadBalancer.auth` and the public opt-outs: who may reach the agents. ADK's API
// server authenticates nobody and takes `user_id` from the path (google/adk-python
// cli/api_server.py: "The served endpoints are unauthenticated"), so the load balancer does it:
// the ALB's authenticate-oidc or authenticate-cognito action on AWS, Identity-Aware Proxy on GCP.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { CheckContext, ConfigContext, Environment } from "../../config/presets";
import { intBetween } from "../../config/primitives";
import type { Problem } from "../../config/errors";

const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, { error: (issue) => `must be an https:// URL, got ${JSON.stringify(issue.input)}` });
const required = (what: string) => z.string({ error: (issue) => issue.input === undefined ? `is required: ${what}` : `must be text, got ${JSON.stringify(issue.input)}` }).min(1, { error: `is required: ${what}` });

const UNAUTHENTICATED_ACTIONS = ["authenticate", "deny"] as const;

/**
 * What the ALB does with a request that has no session: `authenticate` redirects a browser to the
 * IdP (a 302 that an API client cannot follow), `deny` answers 401, which a single-page app turns
 * into a navigation to the login page. `allow` is not offered: it would forward anonymous requests
 * (terraform-provider-aws docs, lb_listener `on_unauthenticated_request`).
 */
const onUnauthenticated = z.enum(UNAUTHENTICATED_ACTIONS, { error: (issue) => `must be one of ${UNAUTHENTICATED_ACTIONS.join(", ")}, got ${JSON.stringify(issue.input)}` }).default("authenticate");
/** The ALB's session cookie lifetime: 1 s to 7 days, default 7 days (Elastic Load Balancing, "Authenticate users using an Application Load Balancer"). */
const sessionTimeoutSeconds = intBetween(1, 604800).default(604800);

const oidcSchema = z.strictObject({
    issuer: httpsUrl,
    authorizationEndpoint: httpsUrl,
    tokenEndpoint: httpsUrl,
    userInfoEndpoint: httpsUrl,
    clientId: required("the OAuth 2.0 client id registered with the IdP"),
    /** Secret: `pulumi config set --secret --path 'loadBalancer.auth.oidc.clientSecret' …`. */
    clientSecret: required("the client secret, set with pulumi config set --secret --path 'loadBalancer.auth.oidc.clientSecret'"),
    scope: z.string().min(1).default("openid"),
    sessionTimeoutSeconds,
    onUnauthenticated,
});

const cognitoSchema = z.strictObject({
    userPoolArn: z.string().regex(/^arn:aws[-a-z]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+$/, { error: (issue) => `must be a Cognito user pool ARN, got ${JSON.stringify(issue.input)}` }),
    userPoolClientId: required("the app client id of the user pool"),
    /** The prefix of the pool's hosted UI domain (`<prefix>.auth.<region>.amazoncognito.com`), or a custom domain. */
    userPoolDomain: required("the user pool's domain prefix"),
    scope: z.string().min(1).default("openid"),
    sessionTimeoutSeconds,
    onUnauthenticated,
});

/** An IAM principal as IAP's policy takes it: `user:`, `group:`, `serviceAccount:` or `domain:`. */
const member = z.string().regex(/^(user|group|serviceAccount|domain):\S+$/, { error: (issue) => `must be an IAM member such as group:agents@example.com, got ${JSON.stringify(issue.input)}` });

const iapSchema = z.strictObject({
    oauthClientId: required("the OAuth client id IAP signs users in with"),
    /** Secret: `pulumi config set --secret --path 'loadBalancer.auth.iap.oauthClientSecret' …`. */
    oauthClientSecret: required("the OAuth client secret, set with pulumi config set --secret --path 'loadBalancer.auth.iap.oauthClientSecret'"),
    /** Who may pass: each gets roles/iap.httpsResourceAccessor. */
    members: z.array(member).min(1, { error: "must list at least one member (group:…, user:…), or nobody can pass IAP" }),
});

export const authSchema = z.strictObject({
    oidc: oidcSchema.optional(),
    cognito: cognitoSchema.optional(),
    iap: iapSchema.optional(),
});

/** Config keys whose values are secret wherever they are stored, as paths. */
export const AUTH_SECRET_KEYS = [["loadBalancer", "auth", "oidc", "clientSecret"], ["loadBalancer", "auth", "iap", "oauthClientSecret"]] as const;

export type RawAuth = z.infer<typeof authSchema>;

export type EdgeAuth =
    | { kind: "oidc"; config: Omit<z.infer<typeof oidcSchema>, "clientSecret"> & { clientSecret: pulumi.Output<string> } }
    | { kind: "cognito"; config: z.infer<typeof cognitoSchema> }
    | { kind: "iap"; config: Omit<z.infer<typeof iapSchema>, "oauthClientSecret"> & { oauthClientSecret: pulumi.Output<string> } };

/** The one authentication the stack configures, its secrets wrapped as soon as they are read. */
export function resolveAuth(raw: RawAuth | undefined): EdgeAuth | undefined {
    if (raw?.oidc) return { kind: "oidc", config: { ...raw.oidc, clientSecret: pulumi.secret(raw.oidc.clientSecret) } };
    if (raw?.cognito) return { kind: "cognito", config: raw.cognito };
    if (raw?.iap) return { kind: "iap", config: { ...raw.iap, oauthClientSecret: pulumi.secret(raw.iap.oauthClientSecret) } };
    return undefined;
}


const CLOUD_OF = { oidc: "aws", cognito: "aws", iap: "gcp" } as const;

interface PublicAgent {
    index: number;
    public?: boolean;
}

/**
 * Whether an agent is served without authentication: its own `public`, else the stack's
 * `loadBalancer.public`, else only in dev when no authentication is configured.
 */
export function isPublic(agent: { public?: boolean }, lb: { public?: boolean; auth?: unknown }, environment: Environment): boolean {
    return agent.public ?? lb.public ?? (lb.auth === undefined && environment === "dev");
}

/**
 * One kind of authentication, of the stack's cloud; and outside dev, authentication or an explicit
 * `public: true` for every agent: an API that runs models at our cost and returns any user's
 * sessions is not put on the internet by default.
 */
export function checkAuth(lb: { auth?: RawAuth; public?: boolean }, { cloud, environment }: CheckContext & Pick<ConfigContext, "cloud">, agents: PublicAgent[]): Problem[] {
    const at = (...path: PropertyKey[]) => ["loadBalancer", "auth", ...path];
    const problems: Problem[] = [];
    const kinds = (Object.keys(CLOUD_OF) as (keyof typeof CLOUD_OF)[]).filter((kind) => lb.auth?.[kind] !== undefined);
    if (kinds.length > 1) problems.push({ path: at(kinds[1]), message: `set one of loadBalancer.auth.${kinds.join(", loadBalancer.auth.")}, not several` });
    for (const kind of kinds) {
        if (CLOUD_OF[kind] !== cloud) problems.push({ path: at(kind), message: `only applies on ${CLOUD_OF[kind]}; on ${cloud} use loadBalancer.auth.${cloud === "aws" ? "oidc or loadBalancer.auth.cognito" : "iap"}` });
    }
    if (environment === undefined) return problems;
    const auth = kinds.length > 0 ? lb.auth : undefined;
    for (const agent of agents) {
        if (auth !== undefined || isPublic(agent, { public: lb.public, auth }, environment)) continue;
        if (agent.public === false || lb.public === false) {
            const where = agent.public === false ? ["agents", agent.index, "public"] : ["loadBalancer", "public"];
            problems.push({ path: where, message: `is false, but no loadBalancer.auth is configured to authenticate the agent's users` });
        } else {
            problems.push({
                path: at(),
                message: `is required in ${environment}: configure ${cloud === "aws" ? "oidc or cognito" : "iap"}, or serve the agents without authentication explicitly (loadBalancer.public: true, or agents[${agent.index}].public: true)`,
            });
            break;
        }
    }
    return problems;
}
