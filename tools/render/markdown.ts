// A stack's plan as a pull-request comment section: counts per operation first, then what would
// fail (refused changes, or the problems that stopped the plan), then every changed resource with
// its changed inputs `before → after`. Inputs come from the plan, where every secret already reads
// "[secret]" (tools/mockRuntime/index.ts redacts them), so nothing here can print one in clear.
import type { DiffResult, Operation, ResourceStep } from "../engine/diff";
import type { PropertyChange } from "../engine/propertyPaths";
import { MARKERS } from "../engine/diff";
import { shortType } from "./graph";
import { countByType, countParts } from "./tree";

/** Longer values are cut: a policy document or a dashboard is unreadable in a comment anyway. */
const MAX_VALUE = 160;

/** A code span that survives backticks inside: a fence longer than any run of them (CommonMark 6.1). */
function code(text: string): string {
    const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = "`".repeat(longest + 1);
    const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
    return `${fence}${pad}${text}${pad}${fence}`;
}

function value(v: unknown, unknown: boolean): string {
    if (unknown) return "_(known after the replacement)_";
    if (v === undefined) return "_(absent)_";
    if (v === "[secret]") return "`[secret]`";
    const text = JSON.stringify(v);
    return code(text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text);
}

function change(c: PropertyChange): string {
    return `  - ${code(c.path)}: ${value(c.before, false)} → ${value(c.after, c.unknown)}`;
}

function stepLines(step: ResourceStep, folded: ResourceStep[]): string[] {
    const forced = step.op === "replace"
        ? `, forced by ${step.forcedBy.map(code).join(", ")}${step.deleteBeforeReplace ? " (deleted before its replacement is created)" : ""}`
        : "";
    const head = `- ${code(MARKERS[step.op])} **${step.op}** ${code(step.type)} ${code(step.name)}${forced}`;
    const children = folded.length === 0 ? [] : [`  - with ${folded.length} resource(s) inside: ${folded.map((s) => code(`${shortType(s.type)} ${s.name}`)).join(", ")}`];
    return [head, ...children, ...(step.op === "update" || step.op === "replace" ? step.changes.map(change) : [])];
}

/** The riskiest first: what is replaced or deleted, then updated, then created. */
const ORDER: Operation[] = ["replace", "delete", "update", "create"];

/**
 * The steps as lines. A resource created or deleted with the component it sits in is listed on
 * that component's line, so a new or removed agent reads as one entry.
 */
function changedResources(steps: ResourceStep[], parents: Map<string, string | null>): string[] {
    const byUrn = new Map(steps.map((s) => [s.urn, s]));
    const foldsInto = (step: ResourceStep): ResourceStep | undefined => {
        if (step.op !== "create" && step.op !== "delete") return undefined;
        let at: ResourceStep | undefined;
        for (let p = parents.get(step.urn) ?? null; p !== null; p = parents.get(p) ?? null) {
            const parent = byUrn.get(p);
            if (parent?.op !== step.op) break;
            at = parent;
        }
        return at;
    };
    const folded = new Map<string, ResourceStep[]>();
    for (const step of steps) {
        const into = foldsInto(step);
        if (into !== undefined) folded.set(into.urn, [...(folded.get(into.urn) ?? []), step]);
    }
    return ORDER.flatMap((op) => steps.filter((s) => s.op === op && foldsInto(s) === undefined).flatMap((s) => stepLines(s, folded.get(s.urn) ?? [])));
}

/** One section per stack: its heading and summary, blocks of findings, then collapsible detail. */
function section(stack: string, summary: string, blocks: string[][], details: { summary: string; lines: string[] } | undefined): string {
    const collapsed = details === undefined ? [] : [["<details>", `<summary>${details.summary}</summary>`, "", ...details.lines, "", "</details>"]];
    return [[`### Stack ${code(stack)}`], [summary], ...blocks.filter((b) => b.length > 0), ...collapsed].map((b) => b.join("\n")).join("\n\n") + "\n";
}

function findings(title: string, messages: string[]): string[] {
    return messages.length === 0 ? [] : [title, "", ...messages.map((m) => `- ${m}`)];
}

export interface MarkdownInput {
    stack: string;
    /** The comparison with the previous plan; without one, every resource is created. */
    diff?: DiffResult;
    /** The resources' types, for the by-type count of a plan without a previous one. */
    types: string[];
    /** Advisory findings (policies, the preview layer's notes): reported, never failing. */
    notes: string[];
    /** Each resource's parent, the deleted ones' included (from the previous plan). */
    parents: Map<string, string | null>;
}

export function renderMarkdown({ stack, diff, types, notes, parents }: MarkdownInput): string {
    const advisory = findings("**Advisory findings:**", notes);
    if (diff === undefined) {
        const rows = countByType(types).map(([t, n]) => `| ${code(t)} | ${n} |`);
        return section(stack, `**${code(MARKERS.create)} ${types.length} to create** (no previous plan to compare with)`, [advisory],
            { summary: "Resources by type", lines: ["| type | count |", "| --- | ---: |", ...rows] });
    }
    const changes = diff.steps.length;
    const top = [
        findings(`:x: **${diff.refusals.length} refused change(s)**: \`pulumi up\` would fail on`, diff.refusals.map((f) => f.message)),
        findings(":warning: **Warnings:**", diff.warnings.map((f) => f.message)),
        advisory,
    ];
    return section(stack, changes === 0 ? `No changes: ${diff.unchanged} unchanged` : countParts(diff, code).join(" · "), top,
        changes === 0 ? undefined : { summary: `${changes} changed resource(s)`, lines: changedResources(diff.steps, parents) });
}

/** A stack whose plan stopped: the heading of what failed and each problem. */
export function renderFailureMarkdown(stack: string, heading: string, problems: string[]): string {
    return section(stack, `:x: **${heading}**: the plan fails, nothing to compare`, [findings(`${problems.length} problem(s):`, problems.map(code))], undefined);
}
