// Scrapes one agent's Services (stable and canary) for `/metrics`, copying the pods' `track` and
// `version` labels onto every series so that rules and dashboards can tell the tracks apart.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Pod labels every scraped series carries: rules and dashboards split by track and version. */
export const POD_TARGET_LABELS = ["track", "version"];

export interface AgentServiceMonitorArgs {
    agentName: string;
    namespace: pulumi.Input<string>;
    /** Labels that the agent's Services carry, whatever the track. */
    serviceSelector: Record<string, string>;
    /** Name of the Services' metrics port. */
    portName: string;
    path: string;
    interval: string;
    /** kube-prometheus-stack's `release` label value. */
    release: string;
    labels?: Record<string, string>;
}

export class AgentServiceMonitor extends pulumi.ComponentResource {
    public readonly serviceMonitor: k8s.apiextensions.CustomResource;

    constructor(name: string, args: AgentServiceMonitorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:monitoring:AgentServiceMonitor", name, {}, opts);
        this.serviceMonitor = new k8s.apiextensions.CustomResource(`${name}-servicemonitor`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: {
                name: args.agentName,
                namespace: args.namespace,
                labels: { ...args.labels, release: args.release, app: args.agentName },
            },
            spec: {
                // Only the per-track Services: a Service over both tracks would scrape every pod twice.
                selector: { matchLabels: args.serviceSelector, matchExpressions: [{ key: "track", operator: "Exists" }] },
                namespaceSelector: { matchNames: [args.namespace] },
                podTargetLabels: POD_TARGET_LABELS,
                endpoints: [{
                    port: args.portName,
                    path: args.path,
                    interval: args.interval,
                    // The agent's own labels never override the target's namespace, pod or track.
                    honorLabels: false,
                    // Python clients also expose *_created series; they only cost storage.
                    metricRelabelings: [{ sourceLabels: ["__name__"], regex: ".+_created", action: "drop" }],
                }],
            },
        }, { parent: this });
        this.registerOutputs({ serviceMonitorName: this.serviceMonitor.metadata.name });
    }
}
