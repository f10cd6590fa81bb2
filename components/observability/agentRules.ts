// The stack's alert, SLO and canary rules as one PrometheusRule, labelled so that
// kube-prometheus-stack's rule selector picks it up.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PART_OF } from "../kubernetes/labels";
import type { MonitoringConfig } from "./config";
import { RuleGroup, ruleGroups } from "./ruleGroups";

export interface AgentRulesArgs {
    /** Namespace of the agents; the rule object lives there and every rule is scoped to it. */
    namespace: string;
    agents: string[];
    monitoring: MonitoringConfig;
    labels?: Record<string, string>;
}

export class AgentRules extends pulumi.ComponentResource {
    public readonly rule: k8s.apiextensions.CustomResource;
    /** The rendered groups, as promtool sees them. */
    public readonly groups: RuleGroup[];

    constructor(name: string, args: AgentRulesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:monitoring:AgentRules", name, {}, opts);
        this.groups = ruleGroups({ namespace: args.namespace, agents: args.agents, monitoring: args.monitoring });
        this.rule = new k8s.apiextensions.CustomResource(`${name}-rules`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: {
                name: "adk-agents",
                namespace: args.namespace,
                labels: { ...args.labels, release: args.monitoring.release, ...PART_OF },
            },
            spec: { groups: this.groups },
        }, { parent: this });
        this.registerOutputs({ ruleName: this.rule.metadata.name });
    }
}
