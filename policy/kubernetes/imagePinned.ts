// A moving tag makes a rollback or a second replica run different code than was reviewed.
import { containersOf, define, forPodSpecs } from "../lib";

/** Why an image reference is not pinned, or undefined when it carries a digest or a fixed tag. */
export function unpinned(image: unknown): string | undefined {
    if (typeof image !== "string" || image === "") return "has no image";
    if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
    const slash = image.lastIndexOf("/");
    const colon = image.lastIndexOf(":");
    if (colon <= slash) return `uses untagged image ${image}`;
    return image.slice(colon + 1) === "latest" ? `uses the moving tag "latest" (${image})` : undefined;
}

export const imagePinned = define({
    name: "k8s-image-pinned",
    description: "Images are referenced by digest or by a fixed tag: never untagged, never latest.",
    controls: { soc2: ["CC8.1"], gdpr: ["Art. 32(1)(d)"], hipaa: ["164.312(c)(1)"], pciDss: ["6.5.1"] },
    validateResource: forPodSpecs((spec, _args, report) => {
        for (const c of containersOf(spec)) {
            const problem = unpinned(c.image);
            if (problem) report(`container ${c.name} ${problem}`);
        }
    }),
});
