// A ceiling on what the agents' namespace can claim (ResourceQuota) and defaults for containers
// that declare nothing (LimitRange): with a quota on requests and limits, the API server rejects a
// pod without them, so the defaults keep debug and sidecar containers schedulable.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { underFormerComponent } from "../naming/formerComponent";
import type { ContainerDefaults, ResourceQuotaValues } from "./config";

export interface NamespaceQuotaArgs {
    namespace: pulumi.Input<string>;
    quota: ResourceQuotaValues;
    containerDefaults: ContainerDefaults;
    labels?: Record<string, string>;
}

/** The ResourceQuota `${name}-quota` and LimitRange `${name}-limits`, under `opts.parent`. */
export function namespaceQuota(name: string, args: NamespaceQuotaArgs, opts: pulumi.CustomResourceOptions): void {
    // Formerly a component of this type: its children keep their URNs.
    const children = underFormerComponent("adk:security:NamespaceQuota", name, opts);
    const { quota, containerDefaults: d } = args;
    const metadata = { name: "adk-agents", namespace: args.namespace, labels: args.labels };
    new k8s.core.v1.ResourceQuota(`${name}-quota`, {
        metadata,
        spec: {
            hard: {
                "requests.cpu": quota.requestsCpu,
                "requests.memory": quota.requestsMemory,
                "limits.cpu": quota.limitsCpu,
                "limits.memory": quota.limitsMemory,
                pods: String(quota.pods),
                // The agents are stateless: a volume claim in this namespace is a mistake.
                persistentvolumeclaims: "0",
            },
        },
    }, children);
    new k8s.core.v1.LimitRange(`${name}-limits`, {
        metadata,
        spec: {
            limits: [{
                type: "Container",
                defaultRequest: { cpu: d.cpuRequest, memory: d.memoryRequest },
                default: { cpu: d.cpuLimit, memory: d.memoryLimit },
                max: { cpu: d.maxCpu, memory: d.maxMemory },
            }],
        },
    }, children);
}
