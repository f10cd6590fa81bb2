// Read-only access for the people who run the agents: pods, their logs and events, in the agents'
// namespace only. The agents' own ServiceAccounts are bound to nothing, so they have no API rights.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { underFormerComponent } from "../naming/formerComponent";

export const READ = ["get", "list", "watch"];

export interface OperatorAccessArgs {
    namespace: pulumi.Input<string>;
    /** Group name as the cluster's authenticator reports it (EKS access entry, Google group). */
    group: string;
    labels?: Record<string, string>;
}

/** The Role `${name}-role` and its RoleBinding `${name}-binding`, under `opts.parent`. */
export function operatorAccess(name: string, args: OperatorAccessArgs, opts: pulumi.CustomResourceOptions): void {
    // Formerly a component of this type: its children keep their URNs.
    const children = underFormerComponent("adk:security:OperatorAccess", name, opts);
    const metadata = { name: "adk-operator-readonly", namespace: args.namespace, labels: args.labels };
    const role = new k8s.rbac.v1.Role(`${name}-role`, {
        metadata,
        rules: [
            { apiGroups: [""], resources: ["pods", "pods/log", "events"], verbs: READ },
            { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
        ],
    }, children);
    new k8s.rbac.v1.RoleBinding(`${name}-binding`, {
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: args.group }],
    }, children);
}
