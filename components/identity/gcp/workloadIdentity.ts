// A Google service account that exactly one Kubernetes ServiceAccount may act as (GKE Workload
// Identity): no key file, short-lived tokens from the metadata server, and no other pod can use
// it. The GKE counterpart of components/identity/aws/irsaRole.ts.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { fitName, maxNameLength } from "../../naming/names";

export interface WorkloadIdentityArgs {
    project: string;
    /** Service account id; longer names are shortened to the 30 characters GCP allows. */
    accountName: string;
    namespace: string;
    serviceAccountName: string;
    /** Project-level roles of the account (resource-level grants are the caller's). */
    projectRoles?: string[];
}

export class WorkloadIdentity extends pulumi.ComponentResource {
    public readonly account: gcp.serviceaccount.Account;
    public readonly email: pulumi.Output<string>;
    /** The ServiceAccount annotation that lets GKE's metadata server hand the pod this account's tokens. */
    public readonly serviceAccountAnnotations: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:WorkloadIdentity", name, {}, opts);
        this.account = new gcp.serviceaccount.Account(`${name}-gsa`, {
            project: args.project,
            accountId: fitName(args.accountName, maxNameLength("gcp:serviceaccount/account:Account")),
            displayName: `Workload identity of ${args.namespace}/${args.serviceAccountName}`,
        }, { parent: this });
        // Spelt from the account's id and project, both inputs, so that it is known in a first
        // preview, where the policy pack judges the IAM grants that name it; through `accountId`
        // it still waits for the account.
        this.email = pulumi.interpolate`${this.account.accountId}@${args.project}.iam.gserviceaccount.com`;
        new gcp.serviceaccount.IAMMember(`${name}-workload-identity`, {
            serviceAccountId: this.account.name,
            role: "roles/iam.workloadIdentityUser",
            member: `serviceAccount:${args.project}.svc.id.goog[${args.namespace}/${args.serviceAccountName}]`,
        }, { parent: this });
        for (const role of args.projectRoles ?? []) {
            new gcp.projects.IAMMember(`${name}-${role.split("/").pop()!.replace(/\./g, "-").toLowerCase()}`, {
                project: args.project,
                role,
                member: pulumi.interpolate`serviceAccount:${this.account.email}`,
            }, { parent: this });
        }
        this.serviceAccountAnnotations = { "iam.gke.io/gcp-service-account": this.email };
        this.registerOutputs({ email: this.email });
    }
}
