// Buckets (the load balancer's access logs among them) are encrypted and can never be made public.
// ACLs are judged by whether the bucket disables them (BucketOwnerEnforced ownership), not by the
// bucket's `acl` output: the provider computes that output, so it is unknown in a first preview and
// a policy reading it could not run there.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { define, dependenciesOf, forTypes, ofType } from "../lib";

const BLOCKS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

/**
 * The engine names the resources an input came from: an attachment that took its bucket from a
 * bucket resource belongs to that one only, and its `bucket` (an id, unknown in a first preview)
 * is never read. Only an attachment that names its bucket in clear is matched by name.
 */
function attachedTo(resources: PolicyResource[], type: string, bucket: PolicyResource): PolicyResource[] {
    return resources.filter((r) => {
        if (r.type !== type) return false;
        const sources = dependenciesOf(r, "bucket");
        return sources.length > 0 ? sources.some((b) => b.urn === bucket.urn) : r.props.bucket === bucket.props.bucket;
    });
}

function checkAws(resources: PolicyResource[], report: ReportViolation): void {
    for (const bucket of resources.filter((r) => r.type === "aws:s3/bucket:Bucket")) {
        const sse = attachedTo(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket);
        const encrypted = sse.some((c) => (c.props.rules ?? []).some((rule: any) => ["AES256", "aws:kms", "aws:kms:dsse"].includes(rule.applyServerSideEncryptionByDefault?.sseAlgorithm)));
        if (!encrypted) report("bucket has no BucketServerSideEncryptionConfiguration with a default algorithm", bucket.urn);
        const blocks = attachedTo(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket);
        if (!blocks.some((b) => BLOCKS.every((k) => b.props[k] === true))) report(`bucket has no BucketPublicAccessBlock with ${BLOCKS.join(", ")} all true`, bucket.urn);
        const ownership = attachedTo(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket);
        if (!ownership.some((o) => o.props.rule?.objectOwnership === "BucketOwnerEnforced")) {
            report("bucket has no BucketOwnershipControls with objectOwnership BucketOwnerEnforced: its ACLs could grant public access", bucket.urn);
        }
    }
}

export const bucketsPrivateEncrypted = define({
    name: "bucket-encrypted-and-private",
    description: "S3 buckets have default encryption, a full public access block and ACLs disabled (BucketOwnerEnforced); GCS buckets enforce public access prevention and uniform access, and no IAM grant names allUsers or allAuthenticatedUsers.",
    controls: { soc2: ["CC6.1", "CC6.7"], gdpr: ["Art. 32(1)(a)", "Art. 25(2)"], hipaa: ["164.312(a)(2)(iv)", "164.312(a)(1)"], pciDss: ["3.5.1", "1.4.1"] },
    validateStack: (args, report) => {
        checkAws(args.resources, report);
        for (const bucket of ofType(args, "gcp:storage/bucket:Bucket")) {
            if (bucket.props.publicAccessPrevention !== "enforced") report("bucket must set publicAccessPrevention: enforced", bucket.urn);
            if (bucket.props.uniformBucketLevelAccess !== true) report("bucket must set uniformBucketLevelAccess: true", bucket.urn);
        }
    },
});

export const bucketNoPublicGrant = define({
    name: "bucket-no-public-iam",
    description: "No bucket IAM grant names allUsers or allAuthenticatedUsers.",
    controls: bucketsPrivateEncrypted.controls,
    validateResource: forTypes(["gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:storage/bucketIAMBinding:BucketIAMBinding"], (props, _args, report) => {
        const members: string[] = props.member ? [props.member] : props.members ?? [];
        const open = members.filter((m) => PUBLIC_MEMBERS.includes(m));
        if (open.length > 0) report(`grants ${props.role} to ${open.join(", ")}`);
    }),
});
