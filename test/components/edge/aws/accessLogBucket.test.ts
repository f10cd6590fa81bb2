import * as assert from "node:assert/strict";
import { awsStack, planFor } from "../../../fixtures";

describe("accessLogBucket (AWS)", () => {
    for (const [environment, days, protect] of [["dev", 30, false], ["prod", 365, true]] as const) {
        it(`${environment}: private, SSE-S3, TLS-only, kept ${days} days, ${protect ? "" : "not "}protected`, async () => {
            const plan = await planFor(awsStack({ environment }));
            const bucket = plan.one("aws:s3/bucket:Bucket", "edge-logs");
            assert.equal(bucket.inputs.forceDestroy, !protect);
            assert.equal(bucket.protect, protect);
            const block = plan.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "edge-logs-public-access").inputs;
            assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
            const sse = plan.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "edge-logs-encryption").inputs;
            assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
            const lifecycle = plan.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "edge-logs-retention").inputs;
            assert.equal(lifecycle.rules[0].expiration.days, days);
        });
    }

    it("lets ELB log delivery write under the ALB's prefix only, and denies plain HTTP", async () => {
        const plan = await planFor(awsStack());
        const policy = JSON.parse(plan.one("aws:s3/bucketPolicy:BucketPolicy", "edge-logs-policy").inputs.policy);
        const [account, service, deny] = policy.Statement;
        assert.equal(account.Principal.AWS, "arn:aws:iam::156460612806:root");
        assert.equal(service.Principal.Service, "logdelivery.elasticloadbalancing.amazonaws.com");
        const bucketArn = plan.one("aws:s3/bucket:Bucket", "edge-logs").state.arn;
        assert.equal(account.Resource, `${bucketArn}/edge/AWSLogs/123456789012/*`);
        assert.equal(plan.one("aws:lb/loadBalancer:LoadBalancer", "edge").inputs.accessLogs.prefix, "edge");
        assert.deepEqual([deny.Effect, deny.Condition.Bool["aws:SecureTransport"]], ["Deny", "false"]);
    });
});
