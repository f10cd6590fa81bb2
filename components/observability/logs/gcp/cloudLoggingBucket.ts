// GKE already ships every container's stdout to Cloud Logging; this routes the agents' namespace
// into a log bucket of its own, kept for the environment's retention, and keeps it out of the
// project's _Default bucket so that it is neither stored twice nor kept for _Default's 30 days.
import * as gcp from "../../../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import { fitName, maxNameLength } from "../../../naming/names";

/**
 * Cloud Logging's limits for a bucket's retention, in days; "the minimum retention period is 1 day"
 * (LogBucket.retentionDays, https://cloud.google.com/logging/docs/reference/v2/rest/v2/locations.buckets).
 */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;

export interface CloudLoggingBucketArgs {
    project: string;
    /** Log bucket id: letters, digits, '-', '_' and '.', at most 100. */
    bucketId: string;
    /** The agents' namespace, whose container logs are routed. */
    namespace: string;
    retentionDays: number;
    protect: boolean;
}

export class CloudLoggingBucket extends pulumi.ComponentResource {
    public readonly bucket: gcp.logging.ProjectBucketConfig;
    /** `projects/<project>/locations/global/buckets/<id>`. */
    public readonly bucketPath: pulumi.Output<string>;

    constructor(name: string, args: CloudLoggingBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:CloudLoggingBucket", name, {}, opts);
        const filter = `resource.type="k8s_container" AND resource.labels.namespace_name="${args.namespace}"`;
        this.bucket = new gcp.logging.ProjectBucketConfig(`${name}-bucket`, {
            project: args.project,
            location: "global",
            bucketId: args.bucketId,
            retentionDays: Math.min(MAX_RETENTION_DAYS, Math.max(MIN_RETENTION_DAYS, args.retentionDays)),
            // The bucket takes no labels; the policy pack reads the log type from here.
            description: `Container logs of namespace ${args.namespace} (log-type: application)`,
        }, { parent: this, protect: args.protect });
        this.bucketPath = pulumi.interpolate`projects/${args.project}/locations/global/buckets/${this.bucket.bucketId}`;
        // A sink into a bucket of the same project needs no IAM grant for its writer identity.
        new gcp.logging.ProjectSink(`${name}-sink`, {
            project: args.project,
            name: fitName(`${args.bucketId}-sink`, maxNameLength("gcp:logging/projectSink:ProjectSink")),
            destination: pulumi.interpolate`logging.googleapis.com/${this.bucketPath}`,
            filter,
            uniqueWriterIdentity: true,
        }, { parent: this });
        // A project exclusion is one "in the _Default sink"
        // (https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.exclusions/create);
        // our sink above still receives these entries.
        new gcp.logging.ProjectExclusion(`${name}-exclusion`, {
            project: args.project,
            name: fitName(`${args.bucketId}-not-default`, maxNameLength("gcp:logging/projectExclusion:ProjectExclusion")),
            description: `Namespace ${args.namespace} is kept in log bucket ${args.bucketId}`,
            filter,
        }, { parent: this });
        this.registerOutputs({ bucketPath: this.bucketPath });
    }
}
