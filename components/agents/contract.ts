// The agent container contract: what the platform tells an agent image and what it expects of it
// (README, "The agent container contract"). ADK's API server is the reference: `adk api_server`
// listens on 8000 and never reads PORT, serves `GET /health`, and runs uvicorn with its default
// 5 s keep-alive and no graceful-shutdown limit (google/adk-python cli/cli_tools_click.py,
// cli/api_server.py; uvicorn config.py `timeout_keep_alive=5`, `timeout_graceful_shutdown=None`).
import { appLabels, PART_OF, PLATFORM_LABELS } from "../kubernetes/labels";

/** `adk api_server` and `adk deploy` default to 8000. */
export const DEFAULT_PORT = 8000;
/** ADK's production endpoints include `GET /health` (`{"status": "ok"}`); there is no `/ready`. */
export const DEFAULT_PROBE_PATH = "/health";

/**
 * Environment the platform sets on every agent container. uvicorn's command line reads every
 * option from `UVICORN_<OPTION>` (uvicorn main.py: click's `auto_envvar_prefix="UVICORN"`), so an
 * image whose command is `uvicorn main:app` obeys these as they are; a `main.py` that calls
 * `uvicorn.run` reads them itself. `adk api_server` reads none of them.
 */
export const CONTRACT_ENV = {
    port: "PORT",
    keepAlive: "UVICORN_TIMEOUT_KEEP_ALIVE",
    gracefulShutdown: "UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN",
} as const;

/**
 * The agent's session service URI (`postgresql+asyncpg://...` or `agentengine://...`), from a
 * Secret, when `sessions.store` is not memory: pass it to `get_fast_api_app(session_service_uri=...)`
 * or to `adk api_server --session_service_uri=$(SESSION_SERVICE_URI)`. Unset means ADK's in-memory sessions.
 */
export const SESSION_URI_ENV = "SESSION_SERVICE_URI";

/**
 * How long the load balancer keeps an idle connection to a pod open. The ALB's idle timeout
 * applies to target connections too, and AWS asks for an application idle timeout "larger than the
 * idle timeout configured for the load balancer", or the ALB reuses a connection the target has
 * closed and answers 502 (Elastic Load Balancing, "Edit attributes for your Application Load
 * Balancer", connection idle timeout). Google's front ends keep backend connections for a fixed
 * 600 s and ask backends for more (Cloud Load Balancing, "Backend HTTP keepalive timeout").
 */
const GCP_BACKEND_KEEPALIVE_SECONDS = 600;

/** Seconds the agent keeps an idle connection beyond the load balancer, so that the load balancer always closes first. */
const KEEP_ALIVE_MARGIN_SECONDS = 5;
/** Seconds between uvicorn's graceful-shutdown deadline and the kubelet's SIGKILL, for the process to exit. */
const EXIT_MARGIN_SECONDS = 5;

export function loadBalancerKeepAlive(cloud: "aws" | "gcp", idleTimeoutSeconds: number): number {
    return cloud === "aws" ? idleTimeoutSeconds : GCP_BACKEND_KEEPALIVE_SECONDS;
}

/** The keep-alive the agent must use by default: just past the load balancer's. */
export function defaultKeepAlive(cloud: "aws" | "gcp", idleTimeoutSeconds: number): number {
    return loadBalancerKeepAlive(cloud, idleTimeoutSeconds) + KEEP_ALIVE_MARGIN_SECONDS;
}

/**
 * uvicorn's graceful-shutdown limit: after SIGTERM (which comes once the preStop sleep is over)
 * the pod has `shutdownSeconds` before SIGKILL; uvicorn stops waiting for in-flight requests a
 * little earlier, so that it exits on its own and runs its shutdown hooks.
 */
export function gracefulShutdownSeconds(shutdownSeconds: number): number {
    return Math.max(1, shutdownSeconds - EXIT_MARGIN_SECONDS);
}

/**
 * Paths of ADK's development server that are never routed outside dev. The current DevServer
 * registers its endpoints under `/dev/` plus `/config/telemetry` (google/adk-python
 * cli/dev_server.py `_register_dev_endpoints`), and the web UI under `/dev-ui`; earlier releases
 * served traces under `/debug/` (cli/fast_api.py of v1.4.2).
 */
export const DEV_ONLY_PREFIXES = ["/dev-ui", "/dev", "/debug", "/config/telemetry"] as const;


// How the rest of the platform finds an agent's pods and Services: the load balancers, the
// monitoring and the network policies address them through these names and labels only.

/** The traffic tracks of an agent: stable, and the canary (or idle colour) when it has one. */
export type Track = "stable" | "canary";

/** The port every agent Service exposes; the load balancer and scrapers address it by name. */
export const SERVICE_PORT = 80;
export const PORT_NAME = "http";

/** The agent container in every agent pod; rules select its cAdvisor series by this name. */
export const CONTAINER_NAME = "agent";

const AGENT_COMPONENT = { "app.kubernetes.io/component": "agent" } as const;

/** Selects one agent's pods and Services, every track; a track adds `track`. */
export function agentSelector(agent: string): Record<string, string> {
    return { app: agent };
}

/** Selects the Service an agent's monitoring scrapes (Services of other kinds may share `app`). */
export function agentServiceSelector(agent: string): Record<string, string> {
    return { ...agentSelector(agent), ...AGENT_COMPONENT };
}

/** Selects every agent pod of the namespace, whatever the agent. */
export const AGENT_POD_SELECTOR: Record<string, string> = { ...PART_OF, ...AGENT_COMPONENT };

/** The labels of every object of one agent. */
export function agentLabels(agent: string): Record<string, string> {
    return { ...agentSelector(agent), component: "adk-agent", ...appLabels(agent), ...AGENT_COMPONENT, ...PLATFORM_LABELS };
}
