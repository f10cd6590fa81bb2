// Every namespace the stack creates or deploys into starts from deny-all in both directions, so
// that a forgotten allow rule fails closed (CIS 5.3.2, CKV2_K8S_6, kubescape C-0260).
import type { PolicyResource } from "@pulumi/policy";
import { define, ofType, WORKLOAD_TYPES } from "../lib";

function isEmptySelector(selector: any): boolean {
    return selector !== undefined && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

export function isDefaultDeny(policy: PolicyResource): boolean {
    const spec = policy.props.spec ?? {};
    const types: string[] = spec.policyTypes ?? [];
    return isEmptySelector(spec.podSelector) && types.includes("Ingress") && types.includes("Egress")
        && (spec.ingress ?? []).length === 0 && (spec.egress ?? []).length === 0;
}

export const defaultDenyNetworkPolicy = define({
    name: "k8s-namespace-default-deny",
    description: "Every namespace the stack creates or deploys workloads into has a NetworkPolicy that denies all ingress and egress by default.",
    controls: { soc2: ["CC6.1", "CC6.6"], gdpr: ["Art. 32(1)(b)"], hipaa: ["164.312(e)(1)"], pciDss: ["1.3.1", "1.3.2"] },
    validateStack: (args, report) => {
        const namespaces = new Map<string, string>();
        for (const ns of ofType(args, "kubernetes:core/v1:Namespace")) if (ns.props.metadata?.name) namespaces.set(ns.props.metadata.name, ns.urn);
        for (const w of ofType(args, ...WORKLOAD_TYPES)) {
            const name = w.props.metadata?.namespace;
            if (typeof name === "string" && !namespaces.has(name)) namespaces.set(name, w.urn);
        }
        const covered = new Set(ofType(args, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter(isDefaultDeny).map((p) => p.props.metadata?.namespace));
        for (const [name, urn] of namespaces) {
            if (!covered.has(name)) report(`namespace ${name} has no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)`, urn);
        }
    },
});
