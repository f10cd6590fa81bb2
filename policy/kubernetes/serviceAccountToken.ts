// The agents never call the Kubernetes API; a mounted token is only a credential to steal
// (CIS 5.1.6, CKV_K8S_38).
import { define, forTypes, podSpecOf, WORKLOAD_TYPES } from "../lib";

export const serviceAccountTokenOff = define({
    name: "k8s-no-service-account-token",
    description: "ServiceAccounts and pods turn off automounting of the service account token.",
    controls: { soc2: ["CC6.1", "CC6.3"], gdpr: ["Art. 25(2)"], hipaa: ["164.312(a)(1)"], pciDss: ["7.2.2"] },
    validateResource: forTypes(["kubernetes:core/v1:ServiceAccount", ...WORKLOAD_TYPES], (props, args, report) => {
        if (args.type === "kubernetes:core/v1:ServiceAccount") {
            if (props.automountServiceAccountToken !== false) report("ServiceAccount does not set automountServiceAccountToken: false");
            return;
        }
        const spec = podSpecOf(args.type, props);
        if (spec && spec.automountServiceAccountToken !== false) report("pod spec does not set automountServiceAccountToken: false");
    }),
});
