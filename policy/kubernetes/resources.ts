// Requests make scheduling and the namespace quota work; limits stop one agent from starving its
// neighbours (CKV_K8S_10 to 13, Polaris cpu/memory requests and limits).
import { containersOf, define, forPodSpecs } from "../lib";

export const resourcesSet = define({
    name: "k8s-resource-requests-and-limits",
    description: "Every container sets CPU and memory requests and limits.",
    controls: { soc2: ["A1.1", "CC7.2"], gdpr: ["Art. 32(1)(b)"], hipaa: ["164.308(a)(7)"], pciDss: ["2.2.1"] },
    validateResource: forPodSpecs((spec, _args, report) => {
        for (const c of containersOf(spec)) {
            const missing = ["requests", "limits"].flatMap((kind) => ["cpu", "memory"].filter((r) => c.resources?.[kind]?.[r] === undefined).map((r) => `${kind}.${r}`));
            if (missing.length > 0) report(`container ${c.name} does not set ${missing.join(", ")}`);
        }
    }),
});
