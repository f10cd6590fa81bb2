// The API groups of @pulumi/kubernetes this program uses, each from its own module: the package's
// index loads every group, Helm, Kustomize and YAML support besides. Why this is safe, and what a
// missing group does: components/sdk/aws.ts.
export * as apiextensions from "@pulumi/kubernetes/apiextensions";
export * as apps from "@pulumi/kubernetes/apps";
export * as autoscaling from "@pulumi/kubernetes/autoscaling";
export * as batch from "@pulumi/kubernetes/batch";
export * as core from "@pulumi/kubernetes/core";
export * as networking from "@pulumi/kubernetes/networking";
export * as policy from "@pulumi/kubernetes/policy";
export * as rbac from "@pulumi/kubernetes/rbac";
export type * as types from "@pulumi/kubernetes/types";
export { Provider } from "@pulumi/kubernetes/provider";
