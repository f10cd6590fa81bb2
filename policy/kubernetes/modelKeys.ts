// A model API key is a credential like any other: never in a ConfigMap or a container's literal
// env, where it is readable by anyone who may read the object. And on GKE in prod, not at all:
// there every agent reaches Vertex AI through its own Workload Identity (README, "Model access and
// artifacts"), so a key is only something to leak and to rotate.
import { MODEL_KEY_NAMES } from "../labels";
import { containersOf, define, isProd, ofType, podSpecOf, WORKLOAD_TYPES } from "../lib";

export const modelKeysNotInClear = define({
    name: "model-key-not-in-clear",
    description: `${MODEL_KEY_NAMES.join(" and ")} are never in a ConfigMap or a container's literal env, and in a prod stack on GCP not in any Secret either (Vertex AI through Workload Identity).`,
    controls: { soc2: ["CC6.1", "CC6.7"], gdpr: ["Art. 32(1)(a)"], hipaa: ["164.312(a)(1)"], pciDss: ["8.6.2"] },
    validateStack: (args, report) => {
        for (const map of ofType(args, "kubernetes:core/v1:ConfigMap")) {
            for (const key of Object.keys(map.props.data ?? {}).filter((k) => MODEL_KEY_NAMES.includes(k))) report(`ConfigMap holds ${key} in clear: deliver it as a Secret`, map.urn);
        }
        for (const workload of ofType(args, ...WORKLOAD_TYPES)) {
            const spec = podSpecOf(workload.type, workload.props) ?? {};
            for (const c of containersOf(spec)) {
                for (const env of (c.env ?? []).filter((e: any) => MODEL_KEY_NAMES.includes(e.name) && e.value !== undefined)) {
                    report(`container ${c.name} sets ${env.name} as a literal value: take it from a Secret`, workload.urn);
                }
            }
        }
        if (ofType(args, "pulumi:providers:gcp").length === 0) return;
        for (const secret of ofType(args, "kubernetes:core/v1:Secret").filter((s) => isProd(s))) {
            const keys = [...Object.keys(secret.props.stringData ?? {}), ...Object.keys(secret.props.data ?? {})].filter((k) => MODEL_KEY_NAMES.includes(k));
            for (const key of keys) report(`Secret holds ${key} in a prod stack on GCP: agents reach Vertex AI through Workload Identity (model.access vertex-ai)`, secret.urn);
        }
    },
});
