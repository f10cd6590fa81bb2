// `adk-platform:agents[i].artifacts`: a bucket of the agent's own for ADK's artifact service,
// reachable only through the agent's cloud identity. What the agent is told, and what the config
// must hold for it.
import type { Problem } from "../../config/errors";
import type { CheckContext } from "../../config/presets";

/**
 * The URI of the agent's artifact store (`gs://<bucket>` or `s3://<bucket>`). ADK reads no
 * variable for it: the agent passes it on, as `get_fast_api_app(artifact_service_uri=...)` or
 * `adk api_server --artifact_service_uri=$(ADK_ARTIFACT_SERVICE_URI)` (google/adk-python
 * cli/fast_api.py, cli/cli_tools_click.py). Agent Engine's runtime uses the same name.
 */
export const ARTIFACT_ENV = "ADK_ARTIFACT_SERVICE_URI";

/** On AWS the bucket is reached through an IRSA role, which needs the cluster's OIDC provider. */
export function checkArtifacts(agents: [number, { artifacts: boolean }][], { cloud }: CheckContext, oidcProviderArn: string | undefined): Problem[] {
    if (cloud !== "aws" || oidcProviderArn !== undefined) return [];
    return agents.filter(([, agent]) => agent.artifacts).map(([i]) => ({
        path: ["agents", i, "artifacts"],
        message: "needs adk-platform:security.aws.oidcProviderArn: the agent reaches its bucket through an IRSA role",
    }));
}
