// The S3 bucket an Application Load Balancer writes its access logs to: private, encrypted,
// TLS-only, kept exactly as long as the environment's audit retention.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AccessLogBucketArgs {
    /** Days a log object is kept (the environment's audit retention). */
    retentionDays: number;
    /** Key prefix the load balancer writes under. */
    prefix: string;
    /** `protect` the bucket, and refuse to empty it on delete. */
    protect: boolean;
}

export class AccessLogBucket extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;
    public readonly bucketName: pulumi.Output<string>;
    public readonly prefix: string;
    /** Resolves once the bucket accepts log deliveries; the load balancer must wait for it. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:AccessLogBucket", name, {}, opts);
        this.prefix = args.prefix;

        this.bucket = new aws.s3.Bucket(name, { forceDestroy: !args.protect }, { parent: this, protect: args.protect });
        const bucket = this.bucket.id;

        const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
            bucket,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        }, { parent: this });
        const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
            bucket,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        }, { parent: this });
        // SSE-S3, not KMS: ELB log delivery cannot write to a bucket encrypted with a KMS key.
        new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
            bucket,
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
        }, { parent: this });
        new aws.s3.BucketLifecycleConfiguration(`${name}-retention`, {
            bucket,
            rules: [{
                id: "audit-retention",
                status: "Enabled",
                filter: { prefix: `${args.prefix}/` },
                expiration: { days: args.retentionDays },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
            }],
        }, { parent: this });

        const policy = new aws.s3.BucketPolicy(`${name}-policy`, {
            bucket,
            policy: deliveryPolicy(this.bucket.arn, args.prefix, this),
        }, { parent: this, dependsOn: [publicAccess, ownership] });

        this.bucketName = this.bucket.bucket;
        this.ready = [policy];
        this.registerOutputs({ bucketName: this.bucketName });
    }
}

/**
 * Regions opened before August 2022 deliver as the regional ELB account, newer ones as the log
 * delivery service principal; granting both keeps the policy right in every region.
 */
function deliveryPolicy(bucketArn: pulumi.Output<string>, prefix: string, parent: pulumi.Resource): pulumi.Output<string> {
    const opts = { parent };
    const account = aws.getCallerIdentityOutput({}, opts).accountId;
    const elbAccount = aws.elb.getServiceAccountOutput({}, opts).arn;
    return pulumi.all([bucketArn, account, elbAccount]).apply(([arn, accountId, elbArn]) => {
        const logs = `${arn}/${prefix}/AWSLogs/${accountId}/*`;
        return JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ElbAccountDelivery", Effect: "Allow", Principal: { AWS: elbArn }, Action: "s3:PutObject", Resource: logs },
                { Sid: "ElbServiceDelivery", Effect: "Allow", Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" }, Action: "s3:PutObject", Resource: logs },
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [arn, `${arn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });
}
