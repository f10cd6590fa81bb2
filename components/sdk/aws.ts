// The services of @pulumi/aws this program uses, each from its own module: the package's index
// loads every one of its ~250 services (82 ms on the bench machine), these take 16 ms, under
// `pulumi up` as in the offline plan. Pulumi's generated SDKs are built for such deep imports
// (pulumi/pulumi-aws#1015; each service's index registers its resource modules). What the index
// adds besides, the registration of the package for turning provider references that the engine
// returns into Provider objects, this program never needs: it passes its providers, never reads
// one back (unregistered, such a reference would read as its URN or id: @pulumi/pulumi
// runtime/rpc.ts `deserializeProperty`). Components import `* as aws` from here; a service missing below is a type error.
export * as acm from "@pulumi/aws/acm";
export * as cloudwatch from "@pulumi/aws/cloudwatch";
export * as ec2 from "@pulumi/aws/ec2";
export * as elb from "@pulumi/aws/elb";
export * as iam from "@pulumi/aws/iam";
export * as kms from "@pulumi/aws/kms";
export * as lambda from "@pulumi/aws/lambda";
export * as lb from "@pulumi/aws/lb";
export * as rds from "@pulumi/aws/rds";
export * as route53 from "@pulumi/aws/route53";
export * as s3 from "@pulumi/aws/s3";
export * as secretsmanager from "@pulumi/aws/secretsmanager";
export * as vpc from "@pulumi/aws/vpc";
export * as wafv2 from "@pulumi/aws/wafv2";
export type * as types from "@pulumi/aws/types";
export type { Region } from "@pulumi/aws/types/enums";
export { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
export { Provider } from "@pulumi/aws/provider";
