// One agent's Cloud Storage bucket for ADK's GcsArtifactService: uniform bucket-level access,
// public access prevention enforced, and object read/write for the agent's principal only.
import * as gcp from "../../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";

export interface ArtifactBucketArgs {
    /** Globally unique bucket name. */
    bucketName: string;
    project: string;
    location: string;
    /** The agent's IAM principal: its Kubernetes ServiceAccount, or the Google service account it acts as. */
    member: pulumi.Input<string>;
    /** `protect` the bucket, and refuse to delete it while it holds objects. */
    protect: boolean;
}

/** Days a deleted or overwritten object stays restorable (Cloud Storage's default soft delete). */
const SOFT_DELETE_DAYS = 7;

export class ArtifactBucket extends pulumi.ComponentResource {
    public readonly bucket: gcp.storage.Bucket;
    /** `gs://<bucket>`, what ADK's artifact service URI names (google/adk-python cli/service_registry.py). */
    public readonly uri: pulumi.Output<string>;

    constructor(name: string, args: ArtifactBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:ArtifactBucket", name, {}, opts);
        // Google-managed encryption: a customer-managed key would need a key ring in the bucket's
        // location (which can never be deleted) and a grant to the project's Cloud Storage service
        // agent. No object versioning: ADK versions artifacts itself, one object per version
        // (artifacts/gcs_artifact_service.py), so overwrites do not happen; soft delete covers mistakes.
        this.bucket = new gcp.storage.Bucket(`${name}-bucket`, {
            name: args.bucketName,
            project: args.project,
            location: args.location,
            uniformBucketLevelAccess: true,
            publicAccessPrevention: "enforced",
            softDeletePolicy: { retentionDurationSeconds: SOFT_DELETE_DAYS * 86400 },
            forceDestroy: !args.protect,
        }, { parent: this, protect: args.protect });
        // objectUser: read, write, list and delete objects, nothing on the bucket itself
        // (Cloud Storage docs, "IAM roles for Cloud Storage").
        new gcp.storage.BucketIAMMember(`${name}-object-user`, {
            bucket: this.bucket.name,
            role: "roles/storage.objectUser",
            member: args.member,
        }, { parent: this });
        this.uri = pulumi.interpolate`gs://${this.bucket.name}`;
        this.registerOutputs({ uri: this.uri });
    }
}
