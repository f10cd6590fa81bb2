// The agents never call the Kubernetes API; a mounted token is only a credential to steal
// (CIS 5.1.6, CKV_K8S_38).
import { define, forTypes, isNodeAgent, podLabelsOf, podSpecOf, WORKLOAD_TYPES } from "../lib";

export const serviceAccountTokenOff = define({
    name: "k8s-no-service-account-token",
    description: "ServiceAccounts and pods turn off automounting of the service account token (except a declared node agent, which reads pod metadata).",
    controls: { soc2: ["CC6.1", "CC6.3"], gdpr: ["Art. 25(2)"], hipaa: ["164.312(a)(1)"], pciDss: ["7.2.2"] },
    validateResource: forTypes(["kubernetes:core/v1:ServiceAccount", ...WORKLOAD_TYPES], (props, args, report) => {
        // A declared node agent reads pod metadata from the API (lib.ts, PROFILE_LABEL).
        if (args.type === "kubernetes:core/v1:ServiceAccount") {
            if (props.automountServiceAccountToken !== false && !isNodeAgent(props.metadata?.labels)) report("ServiceAccount does not set automountServiceAccountToken: false");
            return;
        }
        const spec = podSpecOf(args.type, props);
        if (spec && spec.automountServiceAccountToken !== false && !isNodeAgent(podLabelsOf(args.type, props))) report("pod spec does not set automountServiceAccountToken: false");
    }),
});
