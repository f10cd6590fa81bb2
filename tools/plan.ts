// `npm run plan -- --stack <name> [--out <dir>]`: what a stack would create, offline. It runs
// index.ts on the test harness's mock runtime (no cloud, no Pulumi CLI) twice, as `pulumi preview`
// (dry run, provider-computed outputs unknown) and as `pulumi up`, validates every Kubernetes
// object against its schema, runs the CrossGuard pack on both, and writes plan.json,
// manifests.yaml and, when the stack has alert rules, prometheus-rules.yaml. With `--against` it
// compares the evaluation with an earlier plan.json as the next `pulumi up` would apply it.
// `--format` prints it as `pulumi preview`'s tree (the default), as a count by type (`table`) or as
// a pull-request comment (`markdown`); `--graph` draws the stack into stack.svg.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ConfigError, PROJECT } from "../config";
import { ProgramRun, runProgram } from "./mockRuntime";
import { isKubernetesObject, Manifest, toManifest, validateManifests } from "./manifests";
import { POLICIES } from "../policy/all";
import { DiffResult, diffPlans, formatDiff, PlanDocument } from "./engine/diff";
import { attributeToConfig, evaluatePolicies, formatViolation, PolicyViolation } from "./policies";
import { readStackConfig } from "./stackConfig";
import { comparePreview, PreviewReport } from "./engine/preview";
import { routingUrns } from "./engine/routing";
import { GraphvizMissing, renderSvg, stackGraph } from "./render/graph";
import { renderFailureMarkdown, renderMarkdown } from "./render/markdown";
import { countByType, renderTree } from "./render/tree";

export interface PlanResult {
    run: ProgramRun;
    manifests: Manifest[];
    /** The merged `spec.groups` of every PrometheusRule, or undefined when there is none. */
    rules?: { groups: unknown[] };
    /** Problems that make the plan fail: schema violations and physical names a cloud would refuse. */
    errors: string[];
    /** Objects checked against a schema, and the kinds no schema was available for. */
    validated: number;
    unvalidated: string[];
    /** Findings of the CrossGuard pack (policy/); a mandatory one fails the plan. */
    violations: PolicyViolation[];
    /** How the first `pulumi preview` differs from the `up`; a problem fails the plan. */
    preview: PreviewReport;
    /** What the plan accepts but a reviewer must see: agents served without authentication. */
    warnings: string[];
}

export class PlanError extends Error {
    constructor(readonly problems: string[], readonly heading = "Invalid Kubernetes objects") {
        super(problems.join("\n"));
    }
}

/**
 * Evaluates a stack (its stack file's configuration unless given); throws ConfigError on bad
 * configuration, PlanError on what the engine, a provider or the cluster would refuse.
 */
export async function plan(stack: string, { config, secretKeys } = readStackConfig(stack)): Promise<PlanResult> {
    // As the CLI does: a preview first, then the update.
    const dryRun = await runProgram({ stack, config, secretKeys, preview: true });
    const run = await runProgram({ stack, config, secretKeys });
    const preview = comparePreview(run, dryRun, await evaluatePolicies(dryRun));
    const manifests = run.resources.filter(isKubernetesObject).map(toManifest);
    const report = await validateManifests(manifests);
    const ruleObjects = manifests.filter((m) => m.kind === "PrometheusRule" && m.apiVersion === "monitoring.coreos.com/v1");
    const rules = ruleObjects.length > 0 ? { groups: ruleObjects.flatMap((m) => (m.spec as { groups: unknown[] }).groups) } : undefined;
    const violations = attributeToConfig(await evaluatePolicies(run), config);
    const result = {
        run, manifests, rules, errors: [...report.errors, ...run.namingProblems], validated: report.validated, unvalidated: report.unvalidated, violations, preview,
        warnings: publicWarnings(run),
    };
    if (result.errors.length > 0) throw new PlanError(result.errors, errorHeading(report.errors.length > 0, run.namingProblems.length > 0));
    if (preview.problems.length > 0) throw new PlanError(preview.problems, "Differences between `pulumi preview` and `pulumi up`");
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    if (mandatory.length > 0) throw new PlanError(mandatory.map(formatViolation), "Mandatory policy violations");
    return result;
}

function publicWarnings(run: ProgramRun): string[] {
    const agents = (run.outputs.publicAgents ?? []) as string[];
    return agents.map((agent) => `warning: agent ${agent} is served without authentication: anyone who reaches the load balancer can run it and read its users' sessions`);
}

function errorHeading(objects: boolean, names: boolean): string {
    if (objects && names) return "Invalid Kubernetes objects and physical names";
    return names ? "Invalid physical names" : "Invalid Kubernetes objects";
}

export function planDocument(result: Pick<PlanResult, "run">): PlanDocument {
    return {
        project: PROJECT,
        stack: result.run.stack,
        resources: result.run.resources.map(({ urn, type, name, parent, custom, inputs }) => ({ urn, type, name, parent, custom, inputs })),
        outputs: result.run.outputs,
        // Beside the resources, whose fields stay as documented: the URNs each one may be found under.
        aliases: Object.fromEntries(result.run.resources.filter((r) => r.aliases.length > 0).map((r) => [r.urn, r.aliases])),
    };
}

export function writePlan(result: PlanResult, outDir: string): string[] {
    mkdirSync(outDir, { recursive: true });
    const files: [string, string][] = [
        ["plan.json", JSON.stringify(planDocument(result), null, 2) + "\n"],
        ["manifests.yaml", result.manifests.map((m) => stringify(m, { lineWidth: 0 })).join("---\n")],
    ];
    if (result.rules) files.push(["prometheus-rules.yaml", stringify(result.rules, { lineWidth: 0 })]);
    for (const [name, text] of files) writeFileSync(path.join(outDir, name), text);
    return files.map(([name]) => path.join(outDir, name));
}

/** What the plan checked (schemas and the policy pack) and what it warns of. */
function checks(result: PlanResult): string[] {
    const notes = result.unvalidated.length > 0 ? [`  (no schema available, not validated: ${result.unvalidated.join(", ")})`] : [];
    return [
        `${result.validated} of ${result.manifests.length} Kubernetes objects validated against their schemas`,
        ...notes,
        `${POLICIES.length} policies of the CrossGuard pack evaluated: ${result.violations.length === 0 ? "no violations" : `${result.violations.length} advisory findings`}`,
        ...result.violations.map((v) => `  ${formatViolation(v)}`),
        ...result.warnings,
    ];
}

/** The `table` format: the resources to create, counted by type. */
export function summary(result: PlanResult): string {
    const counts = countByType(result.run.resources.map((r) => r.type));
    const width = Math.max(...counts.map(([type]) => type.length));
    const lines = counts.map(([type, n]) => `  + ${type.padEnd(width)}  ${n}`);
    return [`Stack ${result.run.stack}: ${result.run.resources.length} resources to create`, ...lines, ...checks(result)].join("\n");
}

const FORMATS = ["tree", "table", "markdown"] as const;
type Format = typeof FORMATS[number];

/** The plan as `format` prints it; with `against`, the comparison with the previous plan too. */
function render(result: PlanResult, format: Format, against?: { previous: PlanDocument; diff: DiffResult; file: string }): string {
    const { run } = result;
    // The resources of the previous plan that the program no longer has, where their parents were.
    const current = new Set(run.resources.map((r) => r.urn));
    const withDeleted = [...run.resources, ...(against?.previous.resources.filter((r) => !current.has(r.urn)) ?? [])];
    switch (format) {
        case "table":
            return against === undefined ? summary(result) : `${summary(result)}\n\nAgainst ${against.file}:\n${formatDiff(against.diff)}`;
        case "markdown":
            return renderMarkdown({
                stack: run.stack, diff: against?.diff, types: run.resources.map((r) => r.type),
                notes: [...result.preview.notes, ...result.violations.map(formatViolation)],
                parents: new Map(withDeleted.map((r) => [r.urn, r.parent])),
            });
        case "tree": {
            const tree = renderTree({ project: PROJECT, stack: run.stack, resources: withDeleted, diff: against?.diff });
            return [...(against === undefined ? [] : [`Against ${against.file}:`]), tree, "", ...checks(result)].join("\n");
        }
    }
}

const USAGE = "usage: npm run plan -- --stack <name> [--out <dir>] [--against <previous plan.json>] [--format tree|table|markdown] [--graph] | --stack <name> --routing-urns <agent>";

/** `--routing-urns <agent>`: only the URNs a canary rollback targets, one per line, for `pulumi up --target`. */
function printRoutingUrns(result: PlanResult, agent: string): number {
    const urns = routingUrns(result.run, agent);
    if (urns.length === 0) {
        console.error(`stack ${result.run.stack} routes no canary traffic to an agent named "${agent}"`);
        return 1;
    }
    console.log(urns.join("\n"));
    return 0;
}

async function main(): Promise<number> {
    // The command prints messages, never stacks: without frames to collect, the stack the SDK
    // captures for every promise it tracks costs nothing (@pulumi/pulumi runtime/debuggable.ts
    // `debuggablePromise`; `Resource.sourcePosition` raises the limit itself while it reads one).
    Error.stackTraceLimit = 0;
    const { values } = parseArgs({
        options: {
            stack: { type: "string", short: "s" }, out: { type: "string", short: "o" }, against: { type: "string" },
            format: { type: "string", short: "f", default: "tree" }, graph: { type: "boolean", default: false },
            "routing-urns": { type: "string" },
        },
        strict: true,
    });
    const format = FORMATS.find((f) => f === values.format);
    if (!values.stack || format === undefined) {
        console.error(USAGE);
        return 2;
    }
    // Markdown goes to a comment as it is: everything else the command says goes to standard error.
    const say = format === "markdown" ? console.error : console.log;
    try {
        const result = await plan(values.stack);
        if (values["routing-urns"] !== undefined) return printRoutingUrns(result, values["routing-urns"]);
        const outDir = values.out ?? path.join("out", values.stack);
        const files = writePlan(result, outDir);
        let against: Parameters<typeof render>[2];
        if (values.against !== undefined) {
            const previous = JSON.parse(readFileSync(values.against, "utf8")) as PlanDocument;
            against = { previous, diff: diffPlans(previous, result.run), file: values.against };
        }
        if (values.graph) {
            const ops = new Map(against?.diff.steps.map((s) => [s.urn, s.op]));
            const svg = path.join(outDir, "stack.svg");
            writeFileSync(svg, renderSvg(stackGraph({ project: PROJECT, stack: values.stack, resources: result.run.resources, ops })));
            files.push(svg);
        }
        console.log(render(result, format, against));
        say(`Wrote ${files.join(", ")}`);
        return against !== undefined && against.diff.refusals.length > 0 ? 1 : 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof PlanError) {
            // Standard error carries only the problems, one per line, for tools that read them.
            for (const problem of err.problems) console.error(problem);
            const heading = err instanceof ConfigError ? "Invalid configuration" : err.heading;
            if (format === "markdown") console.log(renderFailureMarkdown(values.stack, heading, err.problems));
            else console.log(`${heading} for stack ${values.stack}: ${err.problems.length} problem(s); nothing was written.`);
            return 1;
        }
        if (err instanceof GraphvizMissing) {
            console.error(err.message);
            return 1;
        }
        throw err;
    }
}

if (require.main === module) {
    main().then((code) => process.exit(code), (err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
