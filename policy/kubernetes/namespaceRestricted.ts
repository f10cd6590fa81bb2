// Pod Security Admission enforces, audits and warns at `restricted`, pinned to a version so that a
// cluster upgrade cannot change the rules under running pods.
import { define, forTypes, isNodeAgent } from "../lib";

export const namespaceRestricted = define({
    name: "k8s-namespace-pod-security-restricted",
    description: "Namespaces enforce, audit and warn at the restricted Pod Security Standard with a pinned version (a declared node-agent namespace enforces privileged but still audits and warns at restricted).",
    controls: { soc2: ["CC6.1", "CC6.8"], gdpr: ["Art. 32(1)(b)"], hipaa: ["164.312(a)(1)"], pciDss: ["2.2.1"] },
    validateResource: forTypes(["kubernetes:core/v1:Namespace"], (props, _args, report) => {
        const labels: Record<string, string> = props.metadata?.labels ?? {};
        for (const mode of ["enforce", "audit", "warn"]) {
            const key = `pod-security.kubernetes.io/${mode}`;
            // A declared node agent's namespace may admit privileged pods, but still audits and
            // warns at restricted, so that every deviation is on record.
            const exempt = mode === "enforce" && isNodeAgent(labels);
            if (!exempt && labels[key] !== "restricted") report(`label ${key} is ${JSON.stringify(labels[key])}, not "restricted"`);
            const version = labels[`${key}-version`];
            if (version === undefined || version === "latest") report(`label ${key}-version must pin a Kubernetes version (v1.x), got ${JSON.stringify(version)}`);
        }
    }),
});
