// CKV_AWS_304: every secret rotates at least every 90 days. On AWS a SecretRotation
// must exist for each secret; GCP Secret Manager sends rotation notices to a Pub/Sub topic.
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { DAY, define, dependenciesOf, ofType, seconds } from "../lib";

export const MAX_SECRET_ROTATION_DAYS = 90;

/** Days between rotations of an AWS rotation schedule, or undefined when it cannot be read. */
export function rotationDays(rules: any): number | undefined {
    if (typeof rules?.automaticallyAfterDays === "number") return rules.automaticallyAfterDays;
    const rate = /^rate\((\d+) days?\)$/.exec(rules?.scheduleExpression ?? "");
    return rate ? Number(rate[1]) : undefined;
}

function checkAws(resources: PolicyResource[], report: ReportViolation): void {
    const rotations = resources.filter((r) => r.type === "aws:secretsmanager/secretRotation:SecretRotation");
    for (const rotation of rotations) {
        const days = rotationDays(rotation.props.rotationRules);
        if (days === undefined || days > MAX_SECRET_ROTATION_DAYS) report(`rotation must happen at most every ${MAX_SECRET_ROTATION_DAYS} days, got ${JSON.stringify(rotation.props.rotationRules)}`, rotation.urn);
    }
    const rotated = new Set(rotations.flatMap((r) => dependenciesOf(r, "secretId").map((s) => s.urn)));
    for (const secret of resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret")) {
        if (!rotated.has(secret.urn)) report("secret has no SecretRotation", secret.urn);
    }
}

function checkGoogle(resources: PolicyResource[], report: ReportViolation): void {
    for (const secret of resources.filter((r) => r.type === "gcp:secretmanager/secret:Secret")) {
        const period = seconds(secret.props.rotation?.rotationPeriod);
        if (period === undefined || period > MAX_SECRET_ROTATION_DAYS * DAY) report(`rotation.rotationPeriod must be at most ${MAX_SECRET_ROTATION_DAYS} days, got ${JSON.stringify(secret.props.rotation?.rotationPeriod)}`, secret.urn);
        if ((secret.props.topics ?? []).length === 0) report("secret with rotation needs a Pub/Sub topic in topics to announce it", secret.urn);
    }
}

export const secretRotation = define({
    name: "secret-rotation-90-days",
    description: `Secrets in AWS Secrets Manager and GCP Secret Manager rotate at least every ${MAX_SECRET_ROTATION_DAYS} days.`,
    controls: { soc2: ["CC6.1"], gdpr: ["Art. 32(1)(b)"], hipaa: ["164.308(a)(5)(ii)(D)"], pciDss: ["3.7.4", "8.3.9"] },
    validateStack: (args, report) => {
        checkAws(ofType(args, "aws:secretsmanager/secretRotation:SecretRotation", "aws:secretsmanager/secret:Secret"), report);
        checkGoogle(ofType(args, "gcp:secretmanager/secret:Secret"), report);
    },
});
