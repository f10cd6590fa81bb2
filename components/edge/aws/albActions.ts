// What the load balancer's listener and rules do with a request: forward it to an agent's tracks by
// weight, authenticate it first, or answer 404.
import * as aws from "../../sdk/aws";
import type { Track } from "../../agents/contract";
import type { AlbSettings } from "./albCanaryArgs";
import type { EdgeAgent } from "../routes";

export type Action = aws.types.input.lb.ListenerDefaultAction;

/**
 * The forward, preceded by the authenticate action unless the agent is public: the ALB runs a
 * rule's actions in `order`, and an authenticate action lets a request through to the next one
 * only with a valid session (terraform-provider-aws docs, lb_listener `authenticate_oidc`,
 * `authenticate_cognito`, `order`). The agent then receives the user in x-amzn-oidc-* headers.
 */
export function authenticated(auth: AlbSettings["auth"], agent: EdgeAgent, forward: Action): Action[] {
    if (agent.public || auth === undefined) return [forward];
    const session = { scope: auth.config.scope, sessionTimeout: auth.config.sessionTimeoutSeconds, onUnauthenticatedRequest: auth.config.onUnauthenticated };
    const authenticate: Action = auth.kind === "oidc"
        ? {
            type: "authenticate-oidc",
            authenticateOidc: {
                issuer: auth.config.issuer,
                authorizationEndpoint: auth.config.authorizationEndpoint,
                tokenEndpoint: auth.config.tokenEndpoint,
                userInfoEndpoint: auth.config.userInfoEndpoint,
                clientId: auth.config.clientId,
                // A secret Output from config: it stays secret in the state and the plan.
                clientSecret: auth.config.clientSecret,
                ...session,
            },
        }
        : {
            type: "authenticate-cognito",
            authenticateCognito: { userPoolArn: auth.config.userPoolArn, userPoolClientId: auth.config.userPoolClientId, userPoolDomain: auth.config.userPoolDomain, ...session },
        };
    return [{ ...authenticate, order: 1 }, { ...forward, order: 2 }];
}

/** The agent's tracks by weight. */
export function weightedForward(groups: Partial<Record<Track, aws.lb.TargetGroup>>, agent: EdgeAgent, stickinessSeconds: number): Action {
    return {
        type: "forward",
        forward: {
            targetGroups: agent.tracks.map((track) => ({ arn: groups[track]!.arn, weight: agent.weights[track] })),
            // Keeps a client on the track it first landed on, so a conversation does not flip versions.
            stickiness: { enabled: stickinessSeconds > 0, duration: Math.max(1, stickinessSeconds) },
        },
    };
}

export function notFound(error: string): Action {
    return { type: "fixed-response", fixedResponse: { statusCode: "404", contentType: "application/json", messageBody: JSON.stringify({ error }) } };
}
