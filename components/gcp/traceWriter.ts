// A Google service account that may write to Cloud Trace, bound through Workload Identity to one
// Kubernetes ServiceAccount (the collector's): no key file, and no other pod can act as it.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface TraceWriterArgs {
    project: string;
    /** 6 to 30 characters: lowercase letters, digits and '-'. */
    accountId: string;
    namespace: string;
    serviceAccountName: string;
}

export class TraceWriter extends pulumi.ComponentResource {
    public readonly account: gcp.serviceaccount.Account;
    /** The annotation that lets GKE's metadata server hand the pod this account's tokens. */
    public readonly serviceAccountAnnotations: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: TraceWriterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:TraceWriter", name, {}, opts);
        this.account = new gcp.serviceaccount.Account(`${name}-account`, {
            project: args.project,
            accountId: args.accountId,
            displayName: `Trace writer of ${args.namespace}/${args.serviceAccountName}`,
        }, { parent: this });
        new gcp.projects.IAMMember(`${name}-trace-agent`, {
            project: args.project,
            role: "roles/cloudtrace.agent",
            member: pulumi.interpolate`serviceAccount:${this.account.email}`,
        }, { parent: this });
        new gcp.serviceaccount.IAMMember(`${name}-workload-identity`, {
            serviceAccountId: this.account.name,
            role: "roles/iam.workloadIdentityUser",
            member: `serviceAccount:${args.project}.svc.id.goog[${args.namespace}/${args.serviceAccountName}]`,
        }, { parent: this });
        this.serviceAccountAnnotations = { "iam.gke.io/gcp-service-account": this.account.email };
        this.registerOutputs({ email: this.account.email });
    }
}
