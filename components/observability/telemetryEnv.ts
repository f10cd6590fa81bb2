// The environment that tells an agent's OpenTelemetry SDK and logger where and how to report. It
// goes into the agent's ConfigMap (AgentWorkload's `platformEnv`); the agent's own `env` wins.
import * as pulumi from "@pulumi/pulumi";
import type { AgentConfig } from "../../config";
import { MESSAGE_CAPTURE_ENV, MonitoringConfig } from "./config";
import { collectorEndpoint, TRACK_ATTRIBUTE } from "./otelCollector";

export interface TelemetryEnvArgs {
    agent: Pick<AgentConfig, "name" | "env">;
    environment: string;
    namespace: string;
    monitoring: MonitoringConfig;
}

export function telemetryEnv(args: TelemetryEnvArgs): Record<string, pulumi.Input<string>> {
    const tracing: Record<string, pulumi.Input<string>> = !args.monitoring.tracing.enabled
        ? { OTEL_SDK_DISABLED: "true" }
        : {
            OTEL_SERVICE_NAME: args.agent.name,
            OTEL_EXPORTER_OTLP_ENDPOINT: collectorEndpoint(args.namespace),
            OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
            OTEL_RESOURCE_ATTRIBUTES: [
                `deployment.environment=${args.environment}`,
                `deployment.environment.name=${args.environment}`,
                `service.namespace=${args.namespace}`,
            ].join(","),
            OTEL_PROPAGATORS: "tracecontext,baggage",
            // Every span goes to the collector, which decides after the fact (tail sampling), so
            // that errors and slow traces are never lost to a coin flip at the start.
            OTEL_TRACES_SAMPLER: "parentbased_always_on",
            OTEL_TRACES_EXPORTER: "otlp",
            // Metrics are scraped by Prometheus and logs read from stdout; no second path for either.
            OTEL_METRICS_EXPORTER: "none",
            OTEL_LOGS_EXPORTER: "none",
            OTEL_PYTHON_LOG_CORRELATION: "true",
            // ADK writes prompts and responses into span attributes unless told otherwise. They are
            // user data, and spans leave the namespace for the trace backend: off unless the stack
            // turns it on, which its data classification must allow (checkMessageCapture).
            [MESSAGE_CAPTURE_ENV]: String(args.monitoring.tracing.captureMessageContent),
        };
    const logging = {
        LOG_FORMAT: "json",
        LOG_LEVEL: args.monitoring.logging.level,
        // Unbuffered stdout, so that a crash does not swallow the last log lines.
        PYTHONUNBUFFERED: "1",
    };
    const env = { ...tracing, ...logging };
    return Object.fromEntries(Object.entries(env).filter(([key]) => !(key in args.agent.env)));
}

/**
 * The resource attributes that tell the tracks of one agent apart, so that traces of the canary
 * and the stable version can be compared, and so that the request metrics the collector derives
 * from spans carry the track and version (its spanmetrics dimensions, renamed to the `track` and
 * `version` labels the rules read). Both tracks share the ConfigMap, so these go on the container
 * and extend its attributes through Kubernetes' `$(NAME)` expansion (AgentWorkload's `trackEnv`,
 * which defines AGENT_TRACK and AGENT_VERSION first).
 */
export function trackTelemetryEnv(args: Pick<TelemetryEnvArgs, "agent" | "monitoring">): Record<string, string> {
    if (!args.monitoring.tracing.enabled || "OTEL_RESOURCE_ATTRIBUTES" in args.agent.env) return {};
    return { OTEL_RESOURCE_ATTRIBUTES: `$(OTEL_RESOURCE_ATTRIBUTES),service.version=$(AGENT_VERSION),${TRACK_ATTRIBUTE}=$(AGENT_TRACK)` };
}
