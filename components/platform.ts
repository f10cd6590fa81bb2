// Picks the stack's cloud: the only place that branches on it. Every capability that differs
// between AWS and GCP is built through the CloudPlatform interface (platform/cloud.ts).
import type { PlatformConfig } from "../config";
import { awsPlatform } from "./platform/aws";
import type { CloudPlatform } from "./platform/cloud";
import { gcpPlatform } from "./platform/gcp";

export function platformFor(config: PlatformConfig): CloudPlatform {
    return config.cloud === "aws" ? awsPlatform(config) : gcpPlatform(config);
}
