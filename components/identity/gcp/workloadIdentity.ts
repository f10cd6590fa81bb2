// A Google service account that exactly one Kubernetes ServiceAccount may act as (GKE Workload
// Identity): no key file, short-lived tokens from the metadata server, and no other pod can use
// it. The GKE counterpart of components/identity/aws/irsaRole.ts.
import * as gcp from "../../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import { underFormerComponent } from "../../naming/formerComponent";
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

/** The annotation that makes a Kubernetes ServiceAccount act as a Google service account (GKE docs, "Workload Identity Federation for GKE"). */
export const GKE_SERVICE_ACCOUNT_ANNOTATION = "iam.gke.io/gcp-service-account";

export interface WorkloadIdentity {
    email: pulumi.Output<string>;
    /** The ServiceAccount annotation that lets GKE's metadata server hand the pod this account's tokens. */
    serviceAccountAnnotations: Record<string, pulumi.Output<string>>;
}

/** The account `${name}-gsa`, its Workload Identity binding and its project roles, under `opts.parent`. */
export function workloadIdentity(name: string, args: WorkloadIdentityArgs, opts: pulumi.CustomResourceOptions): WorkloadIdentity {
    // Formerly a component of this type: its children keep their URNs.
    const children = underFormerComponent("adk:gcp:WorkloadIdentity", name, opts);
    const account = new gcp.serviceaccount.Account(`${name}-gsa`, {
        project: args.project,
        accountId: fitName(args.accountName, maxNameLength("gcp:serviceaccount/account:Account")),
        displayName: `Workload identity of ${args.namespace}/${args.serviceAccountName}`,
    }, children);
    new gcp.serviceaccount.IAMMember(`${name}-workload-identity`, {
        serviceAccountId: account.name,
        role: "roles/iam.workloadIdentityUser",
        member: `serviceAccount:${args.project}.svc.id.goog[${args.namespace}/${args.serviceAccountName}]`,
    }, children);
    // Spelt from the account's id and project, both inputs, so that it is known in a first
    // preview, where the policy pack judges the IAM grants that name it; through `accountId` it
    // still waits for the account.
    const email = pulumi.interpolate`${account.accountId}@${args.project}.iam.gserviceaccount.com`;
    projectRoleGrants(name, args.project, email, args.projectRoles ?? [], children);
    return { email, serviceAccountAnnotations: { [GKE_SERVICE_ACCOUNT_ANNOTATION]: email } };
}

/** `${name}-<role>` per role (`roles/cloudsql.client` gives `-cloudsql-client`): the service account's grants on the project. */
export function projectRoleGrants(name: string, project: string, email: pulumi.Input<string>, roles: string[], opts: pulumi.CustomResourceOptions): void {
    for (const role of roles) {
        new gcp.projects.IAMMember(`${name}-${role.slice(role.lastIndexOf("/") + 1).replace(/\./g, "-").toLowerCase()}`, {
            project,
            role,
            member: pulumi.interpolate`serviceAccount:${email}`,
        }, opts);
    }
}
