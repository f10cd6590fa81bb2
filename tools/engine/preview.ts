// The first `pulumi preview` of a stack, compared with the `pulumi up` that follows it. A preview
// evaluates the program with every provider-computed output unknown: an `apply` over such a value
// does not run, so a resource registered inside one is missing from the preview, and a policy that
// reads such a value cannot run and is downgraded to advisory (@pulumi/policy server.ts). Either
// way the preview a reviewer approves is not what `up` does, so the plan refuses both.
import type { ProgramRun } from "../mockRuntime";
import { formatViolation, PolicyViolation } from "../policies";

export interface PreviewReport {
    /** Problems that make the plan fail. */
    problems: string[];
    /** Findings the engine would report in preview and that lose nothing (advisory policies). */
    notes: string[];
}

export function comparePreview(up: ProgramRun, preview: ProgramRun, previewViolations: PolicyViolation[]): PreviewReport {
    const inPreview = new Set(preview.resources.map((r) => r.urn));
    const inUp = new Set(up.resources.map((r) => r.urn));
    const problems = [
        ...up.resources.filter((r) => !inPreview.has(r.urn)).map((r) =>
            `${r.type} ${r.name}: registered by \`pulumi up\` but not by \`pulumi preview\`: it is created inside an apply over a value only the cloud knows; register it outside the apply`),
        ...preview.resources.filter((r) => !inUp.has(r.urn)).map((r) =>
            `${r.type} ${r.name}: registered by \`pulumi preview\` but not by \`pulumi up\``),
    ];
    const notes: string[] = [];
    for (const v of previewViolations) {
        if (v.unknownInPreview === undefined) continue;
        if (v.unknownInPreview.intendedLevel === "mandatory") {
            problems.push(`${formatViolation(v)}: the engine downgrades this mandatory policy to advisory in \`pulumi preview\`; make it decide on values known before the cloud answers`);
        } else notes.push(formatViolation(v));
    }
    return { problems, notes };
}
