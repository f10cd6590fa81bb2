// The services of @pulumi/gcp this program uses, each from its own module: the package's index
// loads every one of its ~190 services (55-70 ms on the bench machine), under `pulumi up` as in the
// offline plan. Why this is safe, and what a missing service does: components/sdk/aws.ts.
export * as certificatemanager from "@pulumi/gcp/certificatemanager";
export * as compute from "@pulumi/gcp/compute";
export * as dns from "@pulumi/gcp/dns";
export * as kms from "@pulumi/gcp/kms";
export * as logging from "@pulumi/gcp/logging";
export * as organizations from "@pulumi/gcp/organizations";
export * as projects from "@pulumi/gcp/projects";
export * as pubsub from "@pulumi/gcp/pubsub";
export * as secretmanager from "@pulumi/gcp/secretmanager";
export * as serviceaccount from "@pulumi/gcp/serviceaccount";
export * as sql from "@pulumi/gcp/sql";
export * as storage from "@pulumi/gcp/storage";
export { Provider, type ProviderArgs } from "@pulumi/gcp/provider";
