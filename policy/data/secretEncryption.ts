// Secrets are sealed with the stack's own key, so that access to them is governed (and audited)
// by that key's policy, not by the provider's shared default key (CKV_AWS_149).
import { define, forTypes, isSet } from "../lib";

export const secretEncryption = define({
    name: "secret-customer-managed-key",
    description: "Cloud secrets are encrypted with a customer-managed key (AWS kmsKeyId; GCP user-managed replication with customerManagedEncryption).",
    controls: { soc2: ["CC6.1", "CC6.7"], gdpr: ["Art. 32(1)(a)"], hipaa: ["164.312(a)(2)(iv)"], pciDss: ["3.5.1"] },
    validateResource: forTypes(["aws:secretsmanager/secret:Secret", "gcp:secretmanager/secret:Secret"], (props, args, report) => {
        if (args.type === "aws:secretsmanager/secret:Secret") {
            if (!isSet(() => props.kmsKeyId)) report("secret has no kmsKeyId: it would use the AWS-managed aws/secretsmanager key");
            return;
        }
        const replicas: any[] = props.replication?.userManaged?.replicas ?? [];
        const automatic = props.replication?.auto;
        const keyed = replicas.length > 0
            ? replicas.every((r) => isSet(() => r.customerManagedEncryption?.kmsKeyName))
            : isSet(() => automatic?.customerManagedEncryption?.kmsKeyName);
        if (!keyed) report("secret replication has no customerManagedEncryption.kmsKeyName");
    }),
});
