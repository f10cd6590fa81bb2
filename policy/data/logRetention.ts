// Audit and access logs are kept a year in prod (PCI-DSS 10.5.1 asks for twelve months).
// Application logs may be shorter when tagged `log-type: application` (Cloud Logging buckets carry
// no labels: there the marker stands in the description); anything else counts as audit.
import { define, effectiveTags, forTypes, isProd } from "../lib";

export const MIN_AUDIT_RETENTION_DAYS = 365;

function application(tags: Record<string, string>): boolean {
    return tags["log-type"] === "application";
}

export const logRetention = define({
    name: "log-retention-prod",
    description: `In prod, audit and access logs (CloudWatch log groups, S3 lifecycle expirations, Cloud Logging buckets, GCS lifecycle deletes) are kept at least ${MIN_AUDIT_RETENTION_DAYS} days unless tagged log-type: application.`,
    controls: { soc2: ["CC7.2", "CC7.3"], gdpr: ["Art. 30", "Art. 33(5)"], hipaa: ["164.312(b)", "164.316(b)(2)(i)"], pciDss: ["10.5.1"] },
    validateResource: forTypes([
        "aws:cloudwatch/logGroup:LogGroup", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "gcp:logging/projectBucketConfig:ProjectBucketConfig", "gcp:storage/bucket:Bucket",
    ], (props, args, report) => {
        if (!isProd(args) || application(effectiveTags(args)) || /\(log-type: application\)/.test(props.description ?? "")) return;
        const short = (days: unknown) => typeof days === "number" && days > 0 && days < MIN_AUDIT_RETENTION_DAYS;
        switch (args.type) {
            case "aws:cloudwatch/logGroup:LogGroup":
                if (short(props.retentionInDays)) report(`retentionInDays is ${props.retentionInDays}, below ${MIN_AUDIT_RETENTION_DAYS}`);
                break;
            case "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
                for (const rule of props.rules ?? []) {
                    if (rule.status === "Enabled" && short(rule.expiration?.days)) report(`rule ${rule.id} expires objects after ${rule.expiration.days} days, below ${MIN_AUDIT_RETENTION_DAYS}`);
                }
                break;
            case "gcp:logging/projectBucketConfig:ProjectBucketConfig":
                if (short(props.retentionDays)) report(`retentionDays is ${props.retentionDays}, below ${MIN_AUDIT_RETENTION_DAYS}`);
                break;
            default:
                for (const rule of props.lifecycleRules ?? []) {
                    if (rule.action?.type === "Delete" && short(rule.condition?.age)) report(`lifecycle rule deletes objects after ${rule.condition.age} days, below ${MIN_AUDIT_RETENTION_DAYS}`);
                }
        }
    }),
});
