// The cloud seam: index.ts asks for capabilities ("a canary load balancer", "a secret store", ...)
// through this interface, and the AWS or GCP implementation builds them from components/aws or
// components/gcp. Nothing outside platform/ branches on the cloud.
import * as pulumi from "@pulumi/pulumi";
import type { PlatformConfig } from "../config";
import { awsPlatform } from "./aws";
import { gcpPlatform } from "./gcp";

export interface CloudPlatform {
    readonly cloud: PlatformConfig["cloud"];
    /** The explicit provider of this cloud; every cloud resource is created through it. */
    readonly provider: pulumi.ProviderResource;
}

export function platformFor(config: PlatformConfig): CloudPlatform {
    return config.cloud === "aws" ? awsPlatform(config) : gcpPlatform(config);
}
