// The plan as `pulumi preview` prints it: one row per resource under the stack, children indented
// under their component with the CLI's tree characters, a marker and an operation per row, the
// changed top-level properties and the findings in the Info column, and a one-line count. Layout
// after pulumi/pulumi pkg/backend/display: progress.go (addIndentations: "├─ ", "└─ ", "│  ";
// filterOutUnnecessaryNodesAndSetDisplayTimes: an unchanged row is shown only for a changed
// descendant; removeInfoColumnIfUnneeded) and rows.go (getDiffInfo: "[diff: +added-deleted~updated]", then "1 error").
import type { DiffResult, Operation, PlanDocument, ResourceStep } from "../engine/diff";
import { MARKERS, OPERATIONS } from "../engine/diff";

export type TreeResource = Pick<PlanDocument["resources"][number], "urn" | "type" | "name" | "parent">;

export interface TreeInput {
    project: string;
    stack: string;
    /** The current program's resources, then (with a diff) those deleted from the previous plan. */
    resources: TreeResource[];
    /** What `--against` found; without it every resource is created. */
    diff?: DiffResult;
}

interface Node {
    resource: TreeResource;
    step?: ResourceStep;
    children: Node[];
}

interface Row {
    marker: string;
    type: string;
    name: string;
    plan: string;
    info: string;
}

/** `[diff: +added-removed~changed]` over the top-level inputs of a change, as Pulumi's Info column has it. */
function diffInfo(step: ResourceStep): string {
    const top = (path: string) => path.match(/^[^.[]+/)?.[0] ?? path;
    const keys = (test: (before: unknown, after: unknown) => boolean) =>
        [...new Set(step.changes.filter((c) => test(c.before, c.after)).map((c) => top(c.path)))].sort();
    const groups: [string, string[]][] = [
        ["+", keys((before) => before === undefined)],
        ["-", keys((before, after) => before !== undefined && after === undefined)],
        ["~", keys((before, after) => before !== undefined && after !== undefined)],
    ];
    const text = groups.filter(([, k]) => k.length > 0).map(([mark, k]) => mark + k.join(",")).join("");
    return text === "" ? "" : `[diff: ${text}]`;
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function infoFor(step: ResourceStep | undefined, diff: DiffResult | undefined): string {
    if (step === undefined || diff === undefined) return "";
    const errors = diff.refusals.filter((f) => f.urn === step.urn).length;
    const warnings = diff.warnings.filter((f) => f.urn === step.urn).length;
    return [
        step.op === "update" || step.op === "replace" ? diffInfo(step) : "",
        errors > 0 ? plural(errors, "error") : "",
        warnings > 0 ? plural(warnings, "warning") : "",
    ].filter((s) => s !== "").join("; ");
}

/** Drops unchanged subtrees: with a diff, only changed rows and their ancestors remain. */
function prune(nodes: Node[]): Node[] {
    return nodes.flatMap((node) => {
        const children = prune(node.children);
        return node.step !== undefined || children.length > 0 ? [{ ...node, children }] : [];
    });
}

function rowsOf(nodes: Node[], indentation: string, diff: DiffResult | undefined, rows: Row[]): void {
    nodes.forEach((node, i) => {
        const last = i === nodes.length - 1;
        const op: Operation | undefined = diff === undefined ? "create" : node.step?.op;
        rows.push({
            marker: op === undefined ? "" : MARKERS[op],
            type: indentation + (last ? "└─ " : "├─ ") + node.resource.type,
            name: node.resource.name,
            plan: op ?? "",
            info: infoFor(node.step, diff),
        });
        rowsOf(node.children, indentation + (last ? "   " : "│  "), diff, rows);
    });
}

/** The count of each operation that occurs, then the unchanged resources; `mark` dresses the markers. */
export function countParts(diff: DiffResult, mark: (marker: string) => string = (m) => m): string[] {
    const parts = OPERATIONS.filter((op) => diff.counts[op] > 0).map((op) => `${mark(MARKERS[op])} ${diff.counts[op]} to ${op}`);
    return [...parts, `${diff.unchanged} unchanged`];
}

/** How many resources of each type, types in alphabetical order. */
export function countByType(types: string[]): [type: string, count: number][] {
    const counts = new Map<string, number>();
    for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
    return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** The one-line count: `Resources: + 3 to create, ~ 2 to update, 40 unchanged`. */
export function countsLine(diff: DiffResult | undefined, total: number): string {
    return `Resources: ${diff === undefined ? `${MARKERS.create} ${total} to create` : countParts(diff).join(", ")}`;
}

export function renderTree({ project, stack, resources, diff }: TreeInput): string {
    const steps = new Map(diff?.steps.map((s) => [s.urn, s]));
    const nodes = new Map<string, Node>(resources.map((r) => [r.urn, { resource: r, step: steps.get(r.urn), children: [] }]));
    const top: Node[] = [];
    for (const node of nodes.values()) {
        const parent = node.resource.parent === null ? undefined : nodes.get(node.resource.parent);
        (parent?.children ?? top).push(node);
    }
    const changed = diff === undefined ? top : prune(top);
    const stackOp = diff === undefined ? "create" : undefined;
    const rows: Row[] = [
        { marker: "", type: "Type", name: "Name", plan: "Plan", info: "Info" },
        { marker: stackOp === undefined ? "" : MARKERS[stackOp], type: "pulumi:pulumi:Stack", name: `${project}-${stack}`, plan: stackOp ?? "", info: "" },
    ];
    rowsOf(changed, "", diff, rows);
    const width = (column: "type" | "name" | "plan") => Math.max(...rows.map((r) => [...r[column]].length));
    const pad = (text: string, n: number) => text + " ".repeat(n - [...text].length);
    const [type, name, plan] = [width("type"), width("name"), width("plan")];
    // As removeInfoColumnIfUnneeded does: no Info header when no row has any.
    if (rows.slice(1).every((r) => r.info === "")) rows[0].info = "";
    const lines = rows.map((r) => ` ${pad(r.marker, 2)}  ${pad(r.type, type)}  ${pad(r.name, name)}  ${pad(r.plan, plan)}  ${r.info}`.trimEnd());
    const findings = diff === undefined ? [] : [
        ...diff.refusals.map((f) => `  error: ${f.message}`),
        ...diff.warnings.map((f) => `  warning: ${f.message}`),
    ];
    return [
        ...lines,
        ...(findings.length > 0 ? ["", "Diagnostics:", ...findings] : []),
        "",
        countsLine(diff, resources.length),
    ].join("\n");
}
