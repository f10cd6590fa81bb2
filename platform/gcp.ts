import * as gcp from "@pulumi/gcp";
import type { PlatformConfig } from "../config";
import type { CloudPlatform } from ".";

export function gcpPlatform(config: PlatformConfig): CloudPlatform {
    const provider = new gcp.Provider("gcp", {
        project: config.gcp!.project,
        region: config.gcp!.region,
        defaultLabels: { project: config.project, stack: config.stack, environment: config.environment, "managed-by": "pulumi" },
    });
    return { cloud: "gcp", provider };
}
