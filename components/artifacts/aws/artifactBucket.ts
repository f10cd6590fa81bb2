// One agent's S3 bucket for the community S3ArtifactService (`google-adk-community[s3]`, registered
// under `s3://`): its own KMS key, public access blocked, ACLs disabled, TLS only, and object data
// readable and writable by the agent's IRSA role alone.
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ArtifactBucketArgs {
    /** Days a deleted key waits (7 to 30): the window in which the bucket's objects can still be read. */
    deletionWindowInDays: number;
    /** `protect` the bucket and its key, and refuse to delete a bucket that holds objects. */
    protect: boolean;
}

export class ArtifactBucket extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    public readonly key: aws.kms.Key;
    /** `s3://<bucket>`. */
    public readonly uri: pulumi.Output<string>;
    /** The component's name, which its children's names start with. */
    public readonly logicalName: string;

    constructor(name: string, args: ArtifactBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:ArtifactBucket", name, {}, opts);
        this.logicalName = name;
        const stateful = { parent: this, protect: args.protect };
        // A key per bucket: reading an agent's artifacts takes both this bucket's policy and this key.
        this.key = new aws.kms.Key(`${name}-key`, {
            description: `ADK artifacts of one agent (${name})`,
            enableKeyRotation: true,
            deletionWindowInDays: args.deletionWindowInDays,
        }, stateful);
        // Auto-named (logical name, '-', 7 random characters): bucket names are global, and a name
        // of our own choosing could already be someone else's.
        this.bucket = new aws.s3.Bucket(name, { forceDestroy: !args.protect }, stateful);
        const bucket = this.bucket.id;
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
        }, { parent: this });
        // An S3 Bucket Key cuts the KMS requests (and their cost) to one per object batch.
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }],
        }, { parent: this });
        this.uri = pulumi.interpolate`s3://${this.bucket.bucket}`;
        this.registerOutputs({ uri: this.uri });
    }

    /**
     * What the agent's role needs: list its bucket, read, write and delete its objects (the
     * community S3ArtifactService lists versions by prefix and deletes them), through its key.
     */
    accessStatements(region: string): pulumi.Output<aws.iam.PolicyStatement[]> {
        return pulumi.all([this.bucket.arn, this.key.arn]).apply(([arn, keyArn]): aws.iam.PolicyStatement[] => [
            { Sid: "ListOwnArtifacts", Effect: "Allow", Action: ["s3:ListBucket"], Resource: arn },
            { Sid: "ReadWriteOwnArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${arn}/*` },
            {
                Sid: "UseOwnArtifactsKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: keyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
            },
        ]);
    }
}

/**
 * The bucket's policy, once the agent's role exists: no plain HTTP, and nobody but that role reads
 * or writes object data, whatever their own IAM policies allow. `aws:PrincipalArn` is the role's
 * ARN for its sessions (IAM docs, "AWS global condition context keys"). Bucket management stays
 * with the account's administrators, so that Pulumi can still update and delete the bucket.
 */
export function restrictToRole(bucket: ArtifactBucket, roleArn: pulumi.Input<string>): aws.s3.BucketPolicy {
    return new aws.s3.BucketPolicy(`${bucket.logicalName}-policy`, {
        bucket: bucket.bucket.id,
        policy: pulumi.all([bucket.bucket.arn, roleArn]).apply(([arn, role]) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
                {
                    Sid: "OnlyTheAgentReadsAndWrites", Effect: "Deny", Principal: "*", Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], Resource: `${arn}/*`,
                    Condition: { ArnNotEquals: { "aws:PrincipalArn": role } },
                },
            ],
        })),
    }, { parent: bucket });
}
