// Customer-managed keys rotate automatically (CKV_AWS_7, CKV_GCP_43 at 90 days) and, in prod,
// cannot be deleted by a stray `pulumi destroy`: a deleted key makes every secret it sealed unreadable.
import { DAY, define, forTypes, isProd, seconds } from "../lib";

export const MAX_KEY_ROTATION_DAYS = 90;

export const kmsRotation = define({
    name: "kms-key-rotation",
    description: `Customer-managed keys rotate automatically (AWS enableKeyRotation; GCP rotationPeriod at most ${MAX_KEY_ROTATION_DAYS} days) and are protected in prod.`,
    controls: { soc2: ["CC6.1", "CC6.7"], gdpr: ["Art. 32(1)(a)"], hipaa: ["164.312(a)(2)(iv)"], pciDss: ["3.6.1", "3.7.4"] },
    validateResource: forTypes(["aws:kms/key:Key", "gcp:kms/cryptoKey:CryptoKey"], (props, args, report) => {
        if (args.type === "aws:kms/key:Key") {
            const symmetric = (props.customerMasterKeySpec ?? props.keySpec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT";
            if (symmetric && props.enableKeyRotation !== true) report("KMS key must set enableKeyRotation: true");
        } else {
            const period = seconds(props.rotationPeriod);
            if (period === undefined || period > MAX_KEY_ROTATION_DAYS * DAY) report(`rotationPeriod must be at most ${MAX_KEY_ROTATION_DAYS * DAY}s (${MAX_KEY_ROTATION_DAYS} days), got ${JSON.stringify(props.rotationPeriod)}`);
        }
        if (isProd(args) && args.opts?.protect !== true) report("prod key must be created with protect: true");
    }),
});
