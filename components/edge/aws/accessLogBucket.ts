// The S3 bucket an Application Load Balancer writes its access logs to: private, encrypted,
// TLS-only, kept exactly as long as the environment's audit retention.
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { underFormerComponent } from "../../naming/formerComponent";

export interface AccessLogBucketArgs {
    /** Days a log object is kept (the environment's audit retention). */
    retentionDays: number;
    /** Key prefix the load balancer writes under. */
    prefix: string;
}

export interface AccessLogBucket {
    bucketName: pulumi.Output<string>;
    prefix: string;
    /** Resolves once the bucket accepts log deliveries; the load balancer must wait for it. */
    ready: pulumi.Resource[];
}

/**
 * The bucket `name` and its settings, under `opts.parent`. `opts.protect` protects the bucket
 * alone, and makes its delete refuse to empty it.
 */
export function accessLogBucket(name: string, args: AccessLogBucketArgs, opts: pulumi.CustomResourceOptions): AccessLogBucket {
    // Formerly a component of this type: its children keep their URNs.
    const { protect = false, ...children } = underFormerComponent("adk:aws:AccessLogBucket", name, opts);
    const logBucket = new aws.s3.Bucket(name, { forceDestroy: !protect }, { ...children, protect });
    const bucket = logBucket.id;

    const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
        bucket,
        rule: { objectOwnership: "BucketOwnerEnforced" },
    }, children);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
    }, children);
    // SSE-S3, not KMS: ELB log delivery cannot write to a bucket encrypted with a KMS key.
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
        bucket,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    }, children);
    new aws.s3.BucketLifecycleConfiguration(`${name}-retention`, {
        bucket,
        rules: [{
            id: "audit-retention",
            status: "Enabled",
            filter: { prefix: `${args.prefix}/` },
            expiration: { days: args.retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        }],
    }, children);

    const policy = new aws.s3.BucketPolicy(`${name}-policy`, {
        bucket,
        policy: deliveryPolicy(logBucket.arn, args.prefix, children.parent),
    }, { ...children, dependsOn: [publicAccess, ownership] });
    return { bucketName: logBucket.bucket, prefix: args.prefix, ready: [policy] };
}

/**
 * Regions opened before August 2022 deliver as the regional ELB account, newer ones as the log
 * delivery service principal; granting both keeps the policy right in every region.
 */
function deliveryPolicy(bucketArn: pulumi.Output<string>, prefix: string, parent: pulumi.Resource | undefined): pulumi.Output<string> {
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
