// `npm run plan -- --stack <s> --against <plan.json>`: what the next `pulumi up` would do to a
// stack deployed from an earlier plan, offline. Resources are matched by URN; an update becomes a
// replacement by the provider's rules (replaceTable.ts) or the program's replaceOnChanges; an
// input fed by a replaced resource's computed outputs is unknown until the replacement exists and
// counts as changed. Changes the engine, a provider or a webhook would refuse fail the diff.
import type { ProgramRun, RecordedResource } from "../mockRuntime";
import { changedLeaves, formatPath, leaves, parsePath, pathsOverlap, PropertyChange, valueAt } from "./propertyPaths";
import { ReplaceRule, replaceRuleFor, SESSION_DATA, TRAFFIC_SERVING } from "./replaceTable";
import { RULE } from "../resourceTypes";

/** plan.json as tools/plan.ts writes it. */
export interface PlanDocument {
    project: string;
    stack: string;
    resources: Pick<RecordedResource, "urn" | "type" | "name" | "parent" | "custom" | "inputs">[];
    outputs: Record<string, unknown>;
    /** Per URN, the other URNs the engine would look the resource up by (its aliases); absent in older plans. */
    aliases?: Record<string, string[]>;
}

export type Operation = "create" | "update" | "replace" | "delete";
export const OPERATIONS: readonly Operation[] = ["create", "update", "replace", "delete"];

/** Marks `pulumi preview` uses for the same operations. */
export const MARKERS: Record<Operation, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

export interface ResourceStep {
    op: Operation;
    urn: string;
    type: string;
    name: string;
    changes: PropertyChange[];
    /** Replacements: the properties (from the table or replaceOnChanges) that force it. */
    forcedBy: string[];
    /** Replacements: whether the old resource goes before the new one is created. */
    deleteBeforeReplace: boolean;
}

export type FindingKind = "immutable-field" | "priority-collision" | "name-collision" | "protected-replacement" | "traffic-replacement" | "data-loss";

export interface Finding {
    kind: FindingKind;
    urn: string;
    message: string;
}

export interface DiffResult {
    /** Every resource that changes, in the current run's order, then the deletes. */
    steps: ResourceStep[];
    /** Changes `pulumi up` would fail on. */
    refusals: Finding[];
    /** Changes that succeed but deserve a look. */
    warnings: Finding[];
    counts: Record<Operation, number>;
    unchanged: number;
}

/** Shown instead of a value that only exists once a replaced dependency has been created. */
const UNKNOWN = "(known after the replacement)";

/**
 * What a provider computes for a resource (ids, ARNs, self links): the values of its state that
 * the program did not give it. Those are unknown in the preview of its replacement; the values it
 * echoes from its inputs stay known. Only structured identifiers (with ':' or '/') are traced
 * into strings that embed them, such as a policy document; a short generated name could match
 * unrelated text.
 */
function computedValues(resource: RecordedResource): { exact: Set<string>; embedded: string[] } {
    const values = leaves(resource.state)
        .filter(([path, value]) => typeof value === "string" && value !== "" && valueAt(resource.inputs, path) !== value)
        .map(([, value]) => value as string);
    if (resource.id) values.push(resource.id);
    return { exact: new Set(values), embedded: values.filter((v) => /[:/]/.test(v)) };
}

/** The inputs of `resource` that carry a computed value of a replaced dependency. */
function propagatedChanges(resource: RecordedResource, replaced: Map<string, RecordedResource>, previous: Record<string, unknown>): PropertyChange[] {
    const changes: PropertyChange[] = [];
    for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
        const sources = urns.filter((urn) => replaced.has(urn)).map((urn) => computedValues(replaced.get(urn)!));
        if (sources.length === 0) continue;
        for (const [path, value] of leaves(resource.inputs[key], [key])) {
            if (typeof value !== "string") continue;
            if (sources.some((s) => s.exact.has(value) || s.embedded.some((v) => value.includes(v)))) {
                changes.push({ path: formatPath(path), before: valueAt(previous, path), after: UNKNOWN, unknown: true });
            }
        }
    }
    return changes;
}

function mergeChanges(direct: PropertyChange[], propagated: PropertyChange[]): PropertyChange[] {
    const paths = new Set(propagated.map((c) => c.path));
    return [...direct.filter((c) => !paths.has(c.path)), ...propagated];
}

function touching(paths: readonly string[], changes: PropertyChange[]): string[] {
    return paths.filter((p) => changes.some((c) => pathsOverlap(p, c.path)));
}

/**
 * How a replacement is ordered. pulumi-kubernetes asks for delete-before-replace itself when its
 * own rules force the replacement of an object whose explicit name and namespace stay the same
 * (provider/pkg/provider/provider.go, Diff); bridged providers never do. The option overrides
 * either way (pulumi/pulumi pkg/resource/deploy/step_generator.go).
 */
function deletesFirst(resource: RecordedResource, rule: ReplaceRule | undefined, providerForced: string[], changes: PropertyChange[]): boolean {
    if (resource.deleteBeforeReplace !== undefined) return resource.deleteBeforeReplace;
    const kubernetes = resource.type.startsWith("kubernetes:");
    const named = rule?.uniqueName !== undefined && valueAt(resource.inputs, parsePath(rule.uniqueName)) !== undefined;
    return kubernetes && providerForced.length > 0 && named && touching(["metadata.name", "metadata.namespace"], changes).length === 0;
}

/**
 * Whether a changed path lies at or under an ignored one. The engine keeps the old value of an
 * ignored property before it diffs (pulumi/pulumi pkg/resource/deploy/step_generator.go,
 * processIgnoreChanges), so such a change neither updates nor replaces the resource.
 */
function ignored(paths: readonly string[], change: PropertyChange): boolean {
    const changed = parsePath(change.path);
    return paths.some((path) => {
        const rule = parsePath(path);
        return rule.length <= changed.length && rule.every((segment, i) => segment === "*" || segment === changed[i]);
    });
}

function stepFor(resource: RecordedResource, before: Record<string, unknown>, replaced: Map<string, RecordedResource>): ResourceStep | undefined {
    const changes = mergeChanges(changedLeaves(before, resource.inputs), propagatedChanges(resource, replaced, before))
        .filter((change) => !ignored(resource.ignoreChanges, change));
    if (changes.length === 0) return undefined;
    const rule = replaceRuleFor(resource.type);
    const providerForced = touching(rule?.forceNew ?? [], changes);
    const optionForced = resource.replaceOnChanges.includes("*") ? ["*"] : touching(resource.replaceOnChanges, changes);
    const forcedBy = [...new Set([...providerForced, ...optionForced])];
    const op: Operation = forcedBy.length > 0 ? "replace" : "update";
    return {
        op, urn: resource.urn, type: resource.type, name: resource.name, changes, forcedBy,
        deleteBeforeReplace: op === "replace" && deletesFirst(resource, rule, providerForced, changes),
    };
}

/** A listener rule's place: (listener, priority); undefined while the listener is being replaced. */
function ruleKey(inputs: Record<string, unknown>, changes: PropertyChange[] = []): string | undefined {
    if (changes.some((c) => c.unknown && c.path === "listenerArn")) return undefined;
    return `${String(inputs.listenerArn)} priority ${String(inputs.priority)}`;
}

/**
 * ALB refuses a priority another rule of the listener still holds (PriorityInUse). Pulumi runs
 * creates and updates as the program registers them and every delete after them, the deletes of
 * create-before-delete replacements included (pkg/resource/deploy/deployment_executor.go: source
 * events first, then "we should begin processing deletes"), and unrelated updates in parallel.
 * So a rule created or moved onto a priority fails if any other rule held it before this `up`
 * (deleted, replaced or moving away: it still holds it when the new claim runs) unless the claim
 * waits for the holder's move (the SDK registers a resource after its dependencies' steps are done),
 * and a rule replaced create-before-delete collides with itself.
 */
function priorityCollisions(previous: PlanDocument, current: Map<string, RecordedResource>, steps: Map<string, ResourceStep>, formerUrns: Map<string, string>): Finding[] {
    const renamed = new Map([...formerUrns].map(([urn, former]) => [former, urn]));
    const holders = new Map<string, string>();
    for (const rule of previous.resources.filter((r) => r.type === RULE)) holders.set(ruleKey(rule.inputs)!, renamed.get(rule.urn) ?? rule.urn);
    const findings: Finding[] = [];
    const claimed = new Map<string, string>();
    for (const resource of [...current.values()].filter((r) => r.type === RULE)) {
        const step = steps.get(resource.urn);
        const key = ruleKey(resource.inputs, step?.changes);
        if (key === undefined) continue;
        const other = claimed.get(key);
        if (other !== undefined) findings.push({ kind: "priority-collision", urn: resource.urn, message: `${resource.name} asks for ${key}, as does ${nameOf(other)} in the same program` });
        claimed.set(key, resource.urn);
        const moves = step !== undefined && (step.op === "create" || step.op === "replace" || step.changes.some((c) => c.path === "priority" || c.path === "listenerArn"));
        if (!moves) continue;
        const holder = holders.get(key);
        if (holder === undefined) continue;
        if (holder !== resource.urn) {
            // A holder that moves away in place and that the claim waits for (dependsOn) is gone first.
            if (current.has(holder) && steps.get(holder)?.op === "update" && resource.dependencies.includes(holder)) continue;
            const fate = !current.has(holder) ? "deleted only after every create and update"
                : steps.get(holder)?.op === "replace" ? "replaced, its old rule deleted last" : "still there or moving away in parallel";
            findings.push({ kind: "priority-collision", urn: resource.urn, message: `${resource.name} would take ${key}, held by ${nameOf(holder)} (${fate}): ALB answers PriorityInUse` });
        } else if (step.op === "replace" && !step.deleteBeforeReplace) {
            findings.push({ kind: "priority-collision", urn: resource.urn, message: `${resource.name} is replaced create-before-delete on the same ${key}: the new rule collides with the old one` });
        }
    }
    return findings;
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function findingsFor(step: ResourceStep, resource: RecordedResource): { refusals: Finding[]; warnings: Finding[] } {
    const refusals: Finding[] = [];
    const warnings: Finding[] = [];
    const rule = replaceRuleFor(step.type);
    const at = { urn: step.urn };
    if (step.op === "update") {
        const immutable = touching(rule?.immutable ?? [], step.changes);
        if (immutable.length > 0) refusals.push({ kind: "immutable-field", ...at, message: `${step.name}: ${immutable.join(", ")} cannot change in place (${rule!.source}); replace the resource (replaceOnChanges)` });
    }
    if (step.op !== "replace") return { refusals, warnings };
    if (rule?.uniqueName !== undefined && !step.deleteBeforeReplace && valueAt(resource.inputs, parsePath(rule.uniqueName)) !== undefined
        && touching([rule.uniqueName], step.changes).length === 0) {
        refusals.push({ kind: "name-collision", ...at, message: `${step.name} is replaced create-before-delete under the same ${rule.uniqueName}: the new one cannot be created while the old one exists; set deleteBeforeReplace` });
    }
    // pkg/resource/deploy/step_generator.go: "unable to replace resource ... as it is currently
    // marked for protection" when the program and the deployed state both protect it.
    if (resource.protect) refusals.push({ kind: "protected-replacement", ...at, message: `${step.name} is protected and would be replaced (forced by ${step.forcedBy.join(", ")}); pulumi up refuses while the deployed resource is protected too` });
    if (TRAFFIC_SERVING.has(step.type)) warnings.push({ kind: "traffic-replacement", ...at, message: `${step.name} serves traffic and is replaced (forced by ${step.forcedBy.join(", ")})${step.deleteBeforeReplace ? ", deleted before its replacement exists" : ""}` });
    if (SESSION_DATA.has(step.type)) warnings.push(dataLoss(step, `is replaced (forced by ${step.forcedBy.join(", ")})`));
    return { refusals, warnings };
}

/**
 * The deployed URN of each resource that is found through an alias: its own URN is not deployed,
 * an alias is, and no other resource has claimed that one (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, getOldResource: the URN first, then the aliases in
 * order). Such a resource is the deployed one under a new URN: it is updated or left as it is,
 * never created, and the old URN is not deleted.
 */
function matchAliases(before: Map<string, unknown>, resources: RecordedResource[]): Map<string, string> {
    const formerUrns = new Map<string, string>();
    const claimed = new Set(resources.map((r) => r.urn));
    for (const resource of resources) {
        if (before.has(resource.urn)) continue;
        const former = resource.aliases.find((alias) => before.has(alias) && !claimed.has(alias));
        if (former === undefined) continue;
        claimed.add(former);
        formerUrns.set(resource.urn, former);
    }
    return formerUrns;
}

/** A database of the agents' sessions replaced or deleted: a new one starts empty. */
function dataLoss(step: ResourceStep, what: string): Finding {
    return { kind: "data-loss", urn: step.urn, message: `${step.name} holds the agents' sessions and ${what}: the conversations in it are lost (restore from a backup or snapshot to keep them)` };
}

/** A create or delete: the whole resource, no property diffed. */
function wholeStep(op: "create" | "delete", resource: Pick<RecordedResource, "urn" | "type" | "name">): ResourceStep {
    return { op, urn: resource.urn, type: resource.type, name: resource.name, changes: [], forcedBy: [], deleteBeforeReplace: false };
}

/** What `pulumi up` of `current` would do to a stack deployed from `previous`. */
export function diffPlans(previous: PlanDocument, current: ProgramRun): DiffResult {
    // URNs embed the stack's name: against another stack's plan every resource would look new.
    if (previous.stack !== current.stack) throw new Error(`the previous plan is a plan of stack ${previous.stack}, not of ${current.stack}`);
    const before = new Map(previous.resources.map((r) => [r.urn, r]));
    const now = new Map(current.resources.map((r) => [r.urn, r]));
    const formerUrns = matchAliases(before, current.resources);
    const replaced = new Map<string, RecordedResource>();
    const steps = new Map<string, ResourceStep>();
    // Registration order puts a dependency before its dependents, so one pass sees each
    // replacement before the inputs it feeds.
    for (const resource of current.resources) {
        const old = before.get(formerUrns.get(resource.urn) ?? resource.urn);
        const step = old === undefined ? wholeStep("create", resource) : stepFor(resource, old.inputs, replaced);
        if (step === undefined) continue;
        steps.set(resource.urn, step);
        if (step.op === "replace") replaced.set(resource.urn, resource);
    }
    const kept = new Set(formerUrns.values());
    const deletes: ResourceStep[] = previous.resources.filter((r) => !now.has(r.urn) && !kept.has(r.urn))
        .map((r) => wholeStep("delete", r));
    const refusals: Finding[] = [];
    const warnings: Finding[] = [];
    for (const step of steps.values()) {
        const found = findingsFor(step, now.get(step.urn)!);
        refusals.push(...found.refusals);
        warnings.push(...found.warnings);
    }
    refusals.push(...priorityCollisions(previous, now, steps, formerUrns));
    warnings.push(...deletes.filter((step) => SESSION_DATA.has(step.type)).map((step) => dataLoss(step, "is deleted")));
    const all = [...steps.values(), ...deletes];
    const counts = Object.fromEntries(OPERATIONS.map((op) => [op, all.filter((s) => s.op === op).length])) as Record<Operation, number>;
    return { steps: all, refusals, warnings, counts, unchanged: current.resources.length - steps.size };
}

function show(value: unknown): string {
    return value === undefined ? "(absent)" : value === UNKNOWN ? UNKNOWN : JSON.stringify(value);
}

export function formatChange(change: PropertyChange): string {
    return `${change.path}: ${show(change.before)} → ${show(change.after)}`;
}

/** One line per changed resource, then a count per operation, the refusals and the warnings. */
export function formatDiff(result: DiffResult): string {
    const lines = result.steps.map((step) => {
        const forced = step.op === "replace" ? `  (forced by ${step.forcedBy.join(", ")}${step.deleteBeforeReplace ? "; delete before replace" : ""})` : "";
        const changes = step.op === "update" || step.op === "replace" ? `  ${step.changes.map(formatChange).join("; ")}` : "";
        return `${MARKERS[step.op].padEnd(2)} ${step.type} ${step.name}${forced}${changes}`;
    });
    const counts = OPERATIONS.map((op) => `${MARKERS[op].padEnd(2)} ${result.counts[op]} to ${op}`);
    return [
        ...lines,
        ...counts,
        `   ${result.unchanged} unchanged`,
        ...result.refusals.map((f) => `error: ${f.message}`),
        ...result.warnings.map((f) => `warning: ${f.message}`),
    ].join("\n");
}
