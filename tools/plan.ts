// `npm run plan -- --stack <name> [--out <dir>]`: what a stack would create, offline. It runs
// index.ts on the test harness's mock runtime (no cloud, no Pulumi CLI) twice, as `pulumi preview`
// (dry run, provider-computed outputs unknown) and as `pulumi up`, validates every Kubernetes
// object against its schema, runs the CrossGuard pack on both, and writes plan.json,
// manifests.yaml and, when the stack has alert rules, prometheus-rules.yaml. With `--against` it
// compares the evaluation with an earlier plan.json as the next `pulumi up` would apply it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { ConfigError, PROJECT } from "../config";
import { ProgramRun, runProgram } from "../test/harness";
import { isKubernetesObject, Manifest, toManifest, validateManifests } from "./manifests";
import { POLICIES } from "../policy/all";
import { diffPlans, formatDiff, PlanDocument } from "./engine/diff";
import { attributeToConfig, evaluatePolicies, formatViolation, PolicyViolation } from "./policies";
import { readStackConfig } from "./stackConfig";
import { comparePreview, PreviewReport } from "./engine/preview";

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

/** Evaluates a stack; throws ConfigError on bad configuration, PlanError on what the engine, a provider or the cluster would refuse. */
export async function plan(stack: string): Promise<PlanResult> {
    const { config, secretKeys } = readStackConfig(stack);
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

export function summary(result: PlanResult): string {
    const counts = new Map<string, number>();
    for (const r of result.run.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    const width = Math.max(...[...counts.keys()].map((t) => t.length));
    const lines = [...counts.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, n]) => `  + ${type.padEnd(width)}  ${n}`);
    const notes = result.unvalidated.length > 0 ? [`  (no schema available, not validated: ${result.unvalidated.join(", ")})`] : [];
    return [
        `Stack ${result.run.stack}: ${result.run.resources.length} resources to create`,
        ...lines,
        `${result.validated} of ${result.manifests.length} Kubernetes objects validated against their schemas`,
        ...notes,
        `${POLICIES.length} policies of the CrossGuard pack evaluated: ${result.violations.length === 0 ? "no violations" : `${result.violations.length} advisory findings`}`,
        ...result.violations.map((v) => `  ${formatViolation(v)}`),
        ...result.warnings,
    ].join("\n");
}

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: { stack: { type: "string", short: "s" }, out: { type: "string", short: "o" }, against: { type: "string" } },
        strict: true,
    });
    if (!values.stack) {
        console.error("usage: npm run plan -- --stack <name> [--out <dir>] [--against <previous plan.json>]");
        return 2;
    }
    try {
        const result = await plan(values.stack);
        const files = writePlan(result, values.out ?? path.join("out", values.stack));
        console.log(summary(result));
        console.log(`Wrote ${files.join(", ")}`);
        if (values.against === undefined) return 0;
        const diff = diffPlans(JSON.parse(readFileSync(values.against, "utf8")) as PlanDocument, result.run);
        console.log(`\nAgainst ${values.against}:\n${formatDiff(diff)}`);
        return diff.refusals.length > 0 ? 1 : 0;
    } catch (err) {
        if (err instanceof ConfigError || err instanceof PlanError) {
            // Standard error carries only the problems, one per line, for tools that read them.
            for (const problem of err.problems) console.error(problem);
            const heading = err instanceof ConfigError ? "Invalid configuration" : err.heading;
            console.log(`${heading} for stack ${values.stack}: ${err.problems.length} problem(s); nothing was written.`);
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
