// What the monitoring stack adds for a stack's agents: one PrometheusRule with the alert, SLO and
// canary rules, and per agent a Grafana dashboard and, for agents that expose the application
// metrics, a ServiceMonitor (with spans, the collector's ServiceMonitor brings the request metrics,
// and ADK serves no /metrics to scrape).
import * as pulumi from "@pulumi/pulumi";
import type { MonitoringConfig } from "./config";
import { agentServiceSelector, PORT_NAME } from "../agents/contract";
import { AgentDashboard } from "./agentDashboard";
import { AgentRules } from "./agentRules";
import { AgentServiceMonitor } from "./agentServiceMonitor";

export interface AgentMonitoringArgs {
    /** Namespace of the agents (plain: the rules' PromQL is scoped to it). */
    namespace: string;
    agentNames: string[];
    monitoring: MonitoringConfig;
    labels?: Record<string, string>;
}

export class AgentMonitoring extends pulumi.ComponentResource {
    public readonly rules: AgentRules;
    public readonly serviceMonitors: Record<string, AgentServiceMonitor>;
    public readonly dashboards: Record<string, AgentDashboard>;

    constructor(name: string, args: AgentMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:monitoring:AgentMonitoring", name, {}, opts);
        const { monitoring } = args;
        this.rules = new AgentRules(`${name}-rules`, { namespace: args.namespace, agents: args.agentNames, monitoring, labels: args.labels }, { parent: this });
        this.serviceMonitors = {};
        this.dashboards = {};
        for (const agent of args.agentNames) {
            if (monitoring.requestMetrics === "app-metrics") this.serviceMonitors[agent] = new AgentServiceMonitor(`${name}-${agent}`, {
                agentName: agent,
                namespace: args.namespace,
                serviceSelector: agentServiceSelector(agent),
                portName: PORT_NAME,
                path: "/metrics",
                interval: monitoring.scrapeInterval,
                release: monitoring.release,
                labels: args.labels,
            }, { parent: this });
            if (monitoring.dashboards.enabled) {
                this.dashboards[agent] = new AgentDashboard(`${name}-${agent}`, { agentName: agent, agentNamespace: args.namespace, monitoring, labels: args.labels }, { parent: this });
            }
        }
        this.registerOutputs({});
    }
}
