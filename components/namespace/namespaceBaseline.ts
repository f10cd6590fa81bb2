// The agents' namespace. Pod Security Admission enforces the `restricted` standard on it, pinned
// to a Kubernetes minor version so that a cluster upgrade cannot tighten it under running pods.
// With it come the namespace's guardrails: quota and container defaults, and read-only operator access.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityLabels } from "../kubernetes/hardening";
import type { ContainerDefaults, ResourceQuotaValues } from "./config";
import { namespaceQuota } from "./namespaceQuota";
import { operatorAccess } from "./operatorAccess";

export interface NamespaceBaselineArgs {
    name: string;
    labels?: Record<string, string>;
    /** Labels of the namespace alone, which cluster controllers act on (readiness gate injection). */
    namespaceLabels?: Record<string, string>;
    quota: ResourceQuotaValues;
    containerDefaults: ContainerDefaults;
    /** Group bound to the read-only operator Role. */
    operatorGroup: string;
}

export class NamespaceBaseline extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly namespaceName: pulumi.Output<string>;

    constructor(name: string, args: NamespaceBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:security:NamespaceBaseline", name, {}, opts);
        this.namespace = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: args.name, labels: { ...args.labels, ...args.namespaceLabels, ...podSecurityLabels() } },
        }, { parent: this });
        this.namespaceName = this.namespace.metadata.name;
        const inside = { namespace: this.namespaceName, labels: args.labels };
        namespaceQuota(name, { ...inside, quota: args.quota, containerDefaults: args.containerDefaults }, { parent: this });
        operatorAccess(name, { ...inside, group: args.operatorGroup }, { parent: this });
        this.registerOutputs({ namespaceName: this.namespaceName });
    }
}
