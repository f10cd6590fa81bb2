import * as aws from "@pulumi/aws";
import type { PlatformConfig } from "../config";
import type { CloudPlatform } from ".";

export function awsPlatform(config: PlatformConfig): CloudPlatform {
    const provider = new aws.Provider("aws", {
        region: config.aws!.region as aws.Region,
        defaultTags: { tags: { project: config.project, stack: config.stack, environment: config.environment, "managed-by": "pulumi" } },
    });
    return { cloud: "aws", provider };
}
