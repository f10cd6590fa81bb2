// One Grafana dashboard per agent, shipped as a ConfigMap that Grafana's dashboard sidecar
// (kube-prometheus-stack's default) loads: traffic, errors and latency by track, the canary beside
// stable, the error budget, and MCP calls and active conversations (app metrics) or tool calls (spans).
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringConfig } from "./config";
import { fitName } from "../naming/names";
import { ACTIVE_CONVERSATIONS, canaryRecords, ERROR_BUDGET_REMAINING, errorRatio, MCP_CALLS, p95, requestSeries, selector, SLI_ERROR_RATIO, sumRate, TOOL_SPANS } from "./promql";

/** https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/ ("uid ... maximum length of 40"). */
const GRAFANA_UID_LENGTH = 40;

export interface AgentDashboardArgs {
    agentName: string;
    /** Namespace of the agents, which every query is scoped to. */
    agentNamespace: string;
    monitoring: MonitoringConfig;
    labels?: Record<string, string>;
}

interface Panel {
    title: string;
    type: "timeseries" | "stat" | "table";
    unit: string;
    targets: { expr: string; legendFormat?: string }[];
    width?: number;
}

/** The dashboard model (Grafana schema 39), built from the same expressions and recorded names as the rules (promql.ts). */
export function dashboardModel(args: AgentDashboardArgs): Record<string, unknown> {
    const scope = `namespace="${args.agentNamespace}", agent_id="${args.agentName}"`;
    const matchers = selector(scope);
    const { window } = args.monitoring.canary;
    const canary = canaryRecords(window);
    const period = `${args.monitoring.slo.periodDays}d`;
    const series = requestSeries(args.monitoring.requestMetrics);
    // The application metrics count MCP calls and conversations; spans count every tool call and
    // know nothing of conversations in flight.
    const appOnly: Panel[] = [
        { title: "MCP calls by server and status", type: "timeseries", unit: "reqps", targets: [{ expr: sumRate(MCP_CALLS, matchers, "mcp_server, status", "5m"), legendFormat: "{{mcp_server}} {{status}}" }] },
        { title: "Active conversations", type: "timeseries", unit: "short", targets: [{ expr: `sum by (track) (${ACTIVE_CONVERSATIONS}${matchers})`, legendFormat: "{{track}}" }] },
    ];
    const spansOnly: Panel[] = [
        { title: "Tool calls by tool and status", type: "timeseries", unit: "reqps", width: 16, targets: [{ expr: sumRate(series.requests, selector(scope, TOOL_SPANS), "span_name, status_code", "5m"), legendFormat: "{{span_name}} {{status_code}}" }] },
    ];
    const panels: Panel[] = [
        { title: "Request rate by track", type: "timeseries", unit: "reqps", targets: [{ expr: sumRate(series.requests, selector(scope, series.only), "track", "5m"), legendFormat: "{{track}}" }] },
        { title: `Error ratio (${series.words.failures}) by track`, type: "timeseries", unit: "percentunit", targets: [{ expr: errorRatio(series, scope, "track", "5m"), legendFormat: "{{track}}" }] },
        { title: "p95 latency by track", type: "timeseries", unit: "s", targets: [{ expr: p95(series, scope, "track", "5m"), legendFormat: "{{track}}" }] },
        {
            title: `Canary vs stable over ${window}`, type: "table", unit: "none", width: 12,
            targets: [
                { expr: `${canary.requests}${matchers}`, legendFormat: "requests" },
                { expr: `${canary.successRatio}${matchers}`, legendFormat: "success ratio" },
                { expr: `${canary.errorRatio}${matchers}`, legendFormat: "error ratio" },
                { expr: `${canary.p95Seconds}${matchers}`, legendFormat: "p95 seconds" },
            ],
        },
        { title: `Error budget remaining (${period})`, type: "stat", unit: "percentunit", targets: [{ expr: `${ERROR_BUDGET_REMAINING}${matchers}`, legendFormat: "{{slo}}" }] },
        { title: "SLI error ratio, 1h", type: "timeseries", unit: "percentunit", targets: [{ expr: `${SLI_ERROR_RATIO}1h${matchers}`, legendFormat: "{{slo}}" }] },
        ...(args.monitoring.requestMetrics === "spans" ? spansOnly : appOnly),
    ];
    let x = 0;
    let y = 0;
    return {
        // Grafana caps a dashboard uid at 40 characters; a cut-off uid would be shared by every agent.
        uid: fitName(`adk-${args.agentNamespace}-${args.agentName}`, GRAFANA_UID_LENGTH),
        title: `ADK agent ${args.agentName} (${args.agentNamespace})`,
        tags: ["adk", "agents"],
        schemaVersion: 39,
        editable: false,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        templating: { list: [{ name: "datasource", type: "datasource", query: "prometheus", current: { text: "Prometheus", value: "prometheus" } }] },
        panels: panels.map((panel, id) => {
            const w = panel.width ?? 8;
            if (x + w > 24) {
                x = 0;
                y += 8;
            }
            const gridPos = { x, y, w, h: 8 };
            x += w;
            return {
                id: id + 1,
                title: panel.title,
                type: panel.type,
                gridPos,
                datasource: { type: "prometheus", uid: "${datasource}" },
                fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
                targets: panel.targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), expr: t.expr, legendFormat: t.legendFormat, ...(panel.type === "table" ? { instant: true, format: "table" } : {}) })),
            };
        }),
    };
}

export class AgentDashboard extends pulumi.ComponentResource {
    public readonly configMap: k8s.core.v1.ConfigMap;

    constructor(name: string, args: AgentDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:monitoring:AgentDashboard", name, {}, opts);
        const { dashboards } = args.monitoring;
        this.configMap = new k8s.core.v1.ConfigMap(`${name}-dashboard`, {
            metadata: {
                name: `adk-dashboard-${args.agentNamespace}-${args.agentName}`,
                namespace: dashboards.namespace,
                labels: { ...args.labels, [dashboards.label]: "1" },
                // The sidecar's folderAnnotation in kube-prometheus-stack.
                annotations: { grafana_folder: dashboards.folder },
            },
            data: { [`adk-${args.agentName}.json`]: JSON.stringify(dashboardModel(args)) },
        }, { parent: this });
        this.registerOutputs({ configMapName: this.configMap.metadata.name });
    }
}
