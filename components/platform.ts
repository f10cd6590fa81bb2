// Picks the stack's cloud: the only place that branches on it. Every capability that differs
// between AWS and GCP is built through the CloudPlatform interface (platform/cloud.ts).
import type { PlatformConfig } from "../config";
import type { CloudPlatform } from "./platform/cloud";

export function platformFor(config: PlatformConfig): CloudPlatform {
    // Required on demand, so that a stack loads only its own cloud's SDK modules (components/sdk/:
    // 13-16 ms each), in `pulumi up` as in the offline plan.
    if (config.cloud === "aws") return (require("./platform/aws") as typeof import("./platform/aws")).awsPlatform(config);
    return (require("./platform/gcp") as typeof import("./platform/gcp")).gcpPlatform(config);
}
