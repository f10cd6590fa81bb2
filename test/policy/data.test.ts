// The data policies of the pack (policy/data/): keys, secrets, buckets, log retention and
// classification, each with a passing and a violating case.
import { bucketNoPublicGrant, bucketsPrivateEncrypted } from "../../policy/data/buckets";
import { classificationTags } from "../../policy/data/classification";
import { kmsRotation } from "../../policy/data/kmsRotation";
import { logRetention } from "../../policy/data/logRetention";
import { secretEncryption } from "../../policy/data/secretEncryption";
import { secretRotation } from "../../policy/data/secretRotation";
import assert from "node:assert/strict";
import { RecordedResource, UNKNOWN } from "../../tools/mockRuntime";
import { assertPasses, assertViolates, awsProvider, dependsOn, gcpProvider, plannedAgent, previewMessages, PROD_TAGS, res, TAGS, viaAws } from "./support";

describe("CrossGuard policy pack", () => {
    /** The planned agent Deployment, a labelled Kubernetes object. */
    let deployment: RecordedResource;

    before(async () => {
        ({ deployment } = await plannedAgent());
    });

    describe("kms-key-rotation", () => {
        it("passes a rotating key and a 90-day Cloud KMS key", async () => {
            await assertPasses(kmsRotation, res("aws:kms/key:Key", { enableKeyRotation: true }));
            await assertPasses(kmsRotation, res("gcp:kms/cryptoKey:CryptoKey", { rotationPeriod: "7776000s" }));
        });
        it("flags a key without rotation and a yearly Cloud KMS rotation", async () => {
            await assertViolates(kmsRotation, /enableKeyRotation/, res("aws:kms/key:Key", {}));
            await assertViolates(kmsRotation, /rotationPeriod/, res("gcp:kms/cryptoKey:CryptoKey", { rotationPeriod: "31536000s" }));
        });
        it("flags an unprotected key in prod", async () => {
            const prod = awsProvider(PROD_TAGS);
            await assertViolates(kmsRotation, /protect/, prod, viaAws(prod, "aws:kms/key:Key", { enableKeyRotation: true }));
            await assertPasses(kmsRotation, prod, viaAws(prod, "aws:kms/key:Key", { enableKeyRotation: true }, { protect: true }));
        });
    });

    describe("secret-rotation-90-days", () => {
        const secret = res("aws:secretsmanager/secret:Secret", { kmsKeyId: "k" });
        const rotation = (rules: any) => res("aws:secretsmanager/secretRotation:SecretRotation", { rotationRules: rules }, dependsOn({ secretId: [secret] }));
        it("passes a secret rotated every 30 days", () => assertPasses(secretRotation, secret, rotation({ automaticallyAfterDays: 30 })));
        it("flags a secret without rotation", () => assertViolates(secretRotation, /no SecretRotation/, secret));
        it("flags a rotation less often than 90 days", () => assertViolates(secretRotation, /at most every 90 days/, secret, rotation({ scheduleExpression: "rate(120 days)" })));
        it("checks GCP rotation period and topic", async () => {
            await assertPasses(secretRotation, res("gcp:secretmanager/secret:Secret", { rotation: { rotationPeriod: "2592000s" }, topics: [{ name: "t" }] }));
            await assertViolates(secretRotation, /rotationPeriod/, res("gcp:secretmanager/secret:Secret", { topics: [{ name: "t" }] }));
        });
    });

    describe("secret-customer-managed-key", () => {
        it("passes CMK-encrypted secrets", async () => {
            await assertPasses(secretEncryption, res("aws:secretsmanager/secret:Secret", { kmsKeyId: "arn:aws:kms:k" }));
            await assertPasses(secretEncryption, res("gcp:secretmanager/secret:Secret", { replication: { userManaged: { replicas: [{ location: "europe-west1", customerManagedEncryption: { kmsKeyName: "k" } }] } } }));
        });
        it("flags the provider's default key", async () => {
            await assertViolates(secretEncryption, /kmsKeyId/, res("aws:secretsmanager/secret:Secret", {}));
            await assertViolates(secretEncryption, /customerManagedEncryption/, res("gcp:secretmanager/secret:Secret", { replication: { auto: {} } }));
        });
    });

    describe("bucket-encrypted-and-private", () => {
        const bucket = res("aws:s3/bucket:Bucket", {});
        const sse = res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, dependsOn({ bucket: [bucket] }));
        const block = (all: boolean) => res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: all }, dependsOn({ bucket: [bucket] }));
        const owned = res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerEnforced" } }, dependsOn({ bucket: [bucket] }));
        it("passes an encrypted, blocked bucket with ACLs disabled", () => assertPasses(bucketsPrivateEncrypted, bucket, sse, block(true), owned));
        it("flags a bucket without encryption or with a partial block", async () => {
            await assertViolates(bucketsPrivateEncrypted, /ServerSideEncryption/, bucket, block(true), owned);
            await assertViolates(bucketsPrivateEncrypted, /PublicAccessBlock/, bucket, sse, block(false), owned);
        });
        it("flags a bucket whose ACLs are enabled", async () => {
            const preferred = res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerPreferred" } }, dependsOn({ bucket: [bucket] }));
            await assertViolates(bucketsPrivateEncrypted, /BucketOwnerEnforced/, bucket, sse, block(true));
            await assertViolates(bucketsPrivateEncrypted, /BucketOwnerEnforced/, bucket, sse, block(true), preferred);
        });
        it("tells two buckets' attachments apart by the bucket they came from, never reading the ids a first preview cannot know", async () => {
            const unknownBucket = (r: RecordedResource, to: RecordedResource, name: string) => ({ ...r, name, urn: `${r.urn}-${name}`, inputs: { ...r.inputs, bucket: UNKNOWN }, state: { ...r.state, bucket: UNKNOWN }, ...dependsOn({ bucket: [to] }) });
            const first = res("aws:s3/bucket:Bucket", { bucket: UNKNOWN });
            const second = res("aws:s3/bucket:Bucket", { bucket: UNKNOWN });
            const parts = (to: RecordedResource, name: string) => [sse, block(true), owned].map((r) => unknownBucket(r, to, name));
            const preview = (...resources: RecordedResource[]) => previewMessages(bucketsPrivateEncrypted, ...resources);
            assert.deepEqual(await preview(first, second, ...parts(first, "a"), ...parts(second, "b")), []);
            const [, ...unencrypted] = parts(second, "b");
            assert.match((await preview(first, second, ...parts(first, "a"), ...unencrypted)).join("\n"), /ServerSideEncryption/);
        });
        it("checks GCS public access prevention", async () => {
            await assertPasses(bucketsPrivateEncrypted, res("gcp:storage/bucket:Bucket", { publicAccessPrevention: "enforced", uniformBucketLevelAccess: true }));
            await assertViolates(bucketsPrivateEncrypted, /publicAccessPrevention/, res("gcp:storage/bucket:Bucket", { uniformBucketLevelAccess: true }));
        });
    });

    describe("bucket-no-public-iam", () => {
        it("passes a grant to a service account", () => assertPasses(bucketNoPublicGrant, res("gcp:storage/bucketIAMMember:BucketIAMMember", { role: "roles/storage.objectViewer", member: "serviceAccount:a@p.iam.gserviceaccount.com" })));
        it("flags allUsers", () => assertViolates(bucketNoPublicGrant, /allUsers/, res("gcp:storage/bucketIAMBinding:BucketIAMBinding", { role: "roles/storage.objectViewer", members: ["allUsers"] })));
    });

    describe("log-retention-prod", () => {
        const prod = awsProvider(PROD_TAGS);
        it("passes a year of audit logs and shorter tagged application logs in prod", async () => {
            await assertPasses(logRetention, prod, viaAws(prod, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 365 }));
            await assertPasses(logRetention, prod, viaAws(prod, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 90, tags: { "log-type": "application" } }));
        });
        it("flags 90-day audit logs and a 30-day access-log expiration in prod", async () => {
            await assertViolates(logRetention, /retentionInDays is 90/, prod, viaAws(prod, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 90 }));
            await assertViolates(logRetention, /30 days/, prod, viaAws(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: [{ id: "expire", status: "Enabled", expiration: { days: 30 } }] }));
        });
        it("reads the log type of a Cloud Logging bucket, which takes no labels, from its description", async () => {
            const gcp = gcpProvider(PROD_TAGS);
            const bucket = (description: string) => viaAws(gcp, "gcp:logging/projectBucketConfig:ProjectBucketConfig", { retentionDays: 90, description });
            await assertPasses(logRetention, gcp, bucket("Container logs of namespace adk-agents (log-type: application)"));
            await assertViolates(logRetention, /retentionDays is 90/, gcp, bucket("Container logs of namespace adk-agents"));
        });
        it("leaves dev alone", async () => {
            const dev = awsProvider(TAGS);
            await assertPasses(logRetention, dev, viaAws(dev, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 7 }));
        });
    });

    describe("data-classification-tags", () => {
        it("passes resources of tagged providers and labelled objects", async () => {
            const aws = awsProvider(TAGS);
            const gcp = gcpProvider(TAGS);
            await assertPasses(classificationTags, aws, gcp, viaAws(aws, "aws:kms/key:Key", {}), viaAws(gcp, "gcp:kms/cryptoKey:CryptoKey", {}), deployment);
        });
        it("reads provider defaults given as JSON text, as the engine passes them", () => {
            const provider = res("pulumi:providers:aws", { defaultTags: JSON.stringify({ tags: TAGS }) });
            return assertPasses(classificationTags, provider, viaAws(provider, "aws:kms/key:Key", {}));
        });
        it("flags a resource of the default provider, an unlabelled object and an unknown level", async () => {
            await assertViolates(classificationTags, /data-classification tag/, res("aws:kms/key:Key", {}));
            await assertViolates(classificationTags, /owner label/, res("kubernetes:core/v1:ConfigMap", { metadata: { labels: { ...TAGS, owner: "" } } }));
            await assertViolates(classificationTags, /must be one of/, res("kubernetes:core/v1:ConfigMap", { metadata: { labels: { ...TAGS, "data-classification": "secret" } } }));
        });
    });
});
