// Every resource says how sensitive its data is and who answers for it (classification
// public, internal, confidential or restricted; GDPR Art. 30 records need owner and purpose).
import { define, effectiveTags } from "../lib";

export const CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"];
export const REQUIRED_TAGS = ["data-classification", "owner", "environment", "cost-centre"];

/** Problems with a tag set; empty when it carries every required tag and a known classification. */
export function tagProblems(tags: Record<string, string>): string[] {
    const problems = REQUIRED_TAGS.filter((t) => !tags[t]).map((t) => `has no ${t} tag`);
    const level = tags["data-classification"];
    if (level && !CLASSIFICATIONS.includes(level)) problems.push(`data-classification must be one of ${CLASSIFICATIONS.join(", ")}, got ${JSON.stringify(level)}`);
    return problems;
}

export const classificationTags = define({
    name: "data-classification-tags",
    description: `Every Kubernetes object, and every AWS and GCP resource through its provider's default tags or labels, carries ${REQUIRED_TAGS.join(", ")}.`,
    controls: { soc2: ["CC2.1", "C1.1"], gdpr: ["Art. 30", "Art. 32(1)"], hipaa: ["164.308(a)(1)(ii)(A)"], pciDss: ["9.4.2", "12.5.1"] },
    validateResource: (args, report) => {
        const [pkg] = args.type.split(":");
        if (!["kubernetes", "aws", "gcp"].includes(pkg) || /^kubernetes:(yaml|helm)/.test(args.type)) return;
        // A cloud resource gets its tags from its provider's defaults; through the default provider it gets none.
        const noun = pkg === "kubernetes" ? "label" : "tag";
        for (const problem of tagProblems(effectiveTags(args))) report(`${problem.replace("tag", noun)}`);
    },
});
