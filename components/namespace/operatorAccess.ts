// Read-only access for the people who run the agents: pods, their logs and events, in the agents'
// namespace only. The agents' own ServiceAccounts are bound to nothing, so they have no API rights.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const READ = ["get", "list", "watch"];

export interface OperatorAccessArgs {
    namespace: pulumi.Input<string>;
    /** Group name as the cluster's authenticator reports it (EKS access entry, Google group). */
    group: string;
    labels?: Record<string, string>;
}

export class OperatorAccess extends pulumi.ComponentResource {
    public readonly role: k8s.rbac.v1.Role;
    public readonly binding: k8s.rbac.v1.RoleBinding;

    constructor(name: string, args: OperatorAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:security:OperatorAccess", name, {}, opts);
        const metadata = { name: "adk-operator-readonly", namespace: args.namespace, labels: args.labels };
        this.role = new k8s.rbac.v1.Role(`${name}-role`, {
            metadata,
            rules: [
                { apiGroups: [""], resources: ["pods", "pods/log", "events"], verbs: READ },
                { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
            ],
        }, { parent: this });
        this.binding = new k8s.rbac.v1.RoleBinding(`${name}-binding`, {
            metadata,
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: this.role.metadata.name },
            subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: args.group }],
        }, { parent: this });
        this.registerOutputs({ roleName: this.role.metadata.name });
    }
}
