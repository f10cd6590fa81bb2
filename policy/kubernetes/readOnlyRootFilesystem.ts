// An immutable container filesystem (NSA/CISA hardening guide, CKV_K8S_22), with the one writable
// place applications expect, /tmp, on an emptyDir: without it the agent fails with EROFS.
import { containersOf, define, forPodSpecs } from "../lib";

export const readOnlyRootFilesystem = define({
    name: "k8s-read-only-root-filesystem",
    description: "Containers run with a read-only root filesystem and a writable /tmp backed by an emptyDir volume.",
    controls: { soc2: ["CC6.8", "CC7.1"], gdpr: ["Art. 32(1)(b)"], hipaa: ["164.312(c)(1)"], pciDss: ["2.2.1"] },
    validateResource: forPodSpecs((spec, _args, report) => {
        const scratch = new Set((spec.volumes ?? []).filter((v: any) => v.emptyDir !== undefined || v.ephemeral !== undefined).map((v: any) => v.name));
        for (const c of containersOf(spec, { init: false })) {
            if (c.securityContext?.readOnlyRootFilesystem !== true) report(`container ${c.name} does not set readOnlyRootFilesystem: true`);
            const tmp = (c.volumeMounts ?? []).find((m: any) => m.mountPath === "/tmp");
            if (tmp === undefined) report(`container ${c.name} has no volume mounted at /tmp`);
            else if (!scratch.has(tmp.name) || tmp.readOnly === true) report(`container ${c.name} mounts /tmp from ${tmp.name}, which is not a writable emptyDir`);
        }
    }),
});
