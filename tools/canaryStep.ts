// `npm run canary:step -- --stack <name> --agent <agent> --prometheus <url> [--project-dir <dir>]`
// Judges one weight step of a canary continuously, as Flagger and Argo Rollouts do: the canary
// gate's decision (`decide` on `measure`, the same queries and criteria) every
// `agents[i].canary.analysis.intervalSeconds`, and the step stops as soon as
// `failureThreshold` checks have failed. Exit codes are the gate's: 0 promote, 1 roll back,
// 2 not enough evidence to promote, 3 could not decide.
//
// A check below the minimum sample ("wait") is neither a pass nor a failure. A promotion needs
// `failureThreshold` passing checks and a passing last check, so a canary that served too little
// traffic never promotes; it ends in 2, which holds the weight (the workflow neither raises it nor
// rolls back): a thin sample is no evidence against the canary either, and ADKCanaryUnhealthy
// keeps watching it once traffic comes. That is Argo Rollouts' "Inconclusive" (pause), not
// Flagger's "no values found" counted as a failure, which would roll back every quiet agent.
import { appendFileSync } from "node:fs";
import { z } from "zod";
import { analysisSchema, type CanaryAnalysis, checkAnalysis, resolveAnalysis } from "../components/agents/canaryAnalysis";
import { PROJECT } from "../config/project";
import { formatIssues, formatKey } from "../config/errors";
import { agentScope, type Decision, decide, EXIT, GateError, type GateSettings, gateSettings, measure, parseTarget, runCommand, type Verdict } from "./canaryGate";
import { readStackConfig, ROOT } from "./stackConfig";

/** Time as the runner sees it; tests pass one that advances without waiting. */
export interface Clock {
    /** Milliseconds since the epoch. */
    now(): number;
    sleep(ms: number): Promise<void>;
}

const SYSTEM_CLOCK: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export type Outcome = Verdict | "error";

export interface Check {
    /** Unix seconds the check evaluated at (the gate's `time`). */
    at: number;
    outcome: Outcome;
    lines: string[];
}

export interface StepResult {
    outcome: Outcome;
    reason: string;
    checks: Check[];
}

/**
 * Runs one step: a check every `intervalSeconds` from the start, at most
 * floor(stepSeconds / intervalSeconds) of them. `evaluate` is the gate's decision at a given
 * instant; a GateError (Prometheus unreachable or refusing) makes that check an error, and
 * `failureThreshold` errors in a row end the step undecided.
 */
export async function runStep(analysis: CanaryAnalysis, evaluate: (at: number) => Promise<Decision>, clock: Clock = SYSTEM_CLOCK, report: (check: Check) => void = () => undefined): Promise<StepResult> {
    const start = clock.now();
    const total = Math.floor(analysis.stepSeconds / analysis.intervalSeconds);
    const checks: Check[] = [];
    const count = { promote: 0, rollback: 0, wait: 0, error: 0 };
    let errorsInRow = 0;
    for (let i = 1; i <= total; i++) {
        await clock.sleep(Math.max(0, start + i * analysis.intervalSeconds * 1000 - clock.now()));
        const at = Math.floor(clock.now() / 1000);
        const check = await evaluate(at).then(
            (decision): Check => ({ at, outcome: decision.verdict, lines: decision.checks }),
            (err: unknown): Check => {
                if (err instanceof GateError) return { at, outcome: "error", lines: [err.message] };
                throw err;
            });
        checks.push(check);
        report(check);
        count[check.outcome]++;
        errorsInRow = check.outcome === "error" ? errorsInRow + 1 : 0;
        if (count.rollback >= analysis.failureThreshold) {
            return { outcome: "rollback", reason: `${count.rollback} failed checks reached the threshold (${analysis.failureThreshold}) after ${i} of ${total}`, checks };
        }
        if (errorsInRow >= analysis.failureThreshold) {
            return { outcome: "error", reason: `${errorsInRow} checks in a row could not query Prometheus`, checks };
        }
    }
    const tally = `${count.promote} passed, ${count.rollback} failed, ${count.wait} below the minimum sample, ${count.error} errors`;
    if (count.promote >= analysis.failureThreshold && checks.at(-1)?.outcome === "promote") return { outcome: "promote", reason: `${tally} of ${total} checks`, checks };
    return { outcome: "wait", reason: `${tally} of ${total} checks: a promotion needs ${analysis.failureThreshold} passing checks and a passing last check`, checks };
}

export interface StepSettings extends GateSettings {
    analysis: CanaryAnalysis;
}

/**
 * The agents as far as a step reads them: each one's canary analysis, through the schema the program
 * validates it with. Not the whole agent schema, whose module loads the Pulumi SDK, which a step
 * has no use for; the plan and `pulumi up` have validated the rest.
 */
const AGENTS_SCHEMA = z.object({
    agents: z.array(z.object({ name: z.unknown(), canary: z.object({ analysis: analysisSchema.optional() }).optional() })),
});

/** The gate's settings for the agent, its analysis settings, and its own minRequests if set. */
export function stepSettings(stack: string, agent: string, root = ROOT): StepSettings {
    const file = readStackConfig(stack, root);
    const gate = gateSettings(stack, agent, root, file);
    const parsed = AGENTS_SCHEMA.safeParse({ agents: file.config[`${PROJECT}:agents`] }, { reportInput: true });
    if (!parsed.success) throw new GateError(formatIssues(PROJECT, AGENTS_SCHEMA, parsed.error.issues, []).join("\n"));
    const index = parsed.data.agents.findIndex((a) => a.name === agent);
    const raw = parsed.data.agents[index].canary?.analysis;
    const problems = checkAnalysis(raw, (...rest) => ["agents", index, ...rest]);
    if (problems.length > 0) throw new GateError(problems.map((p) => `${formatKey(PROJECT, p.path)}: ${p.message}`).join("\n"));
    const analysis = resolveAnalysis(raw);
    return { ...gate, analysis, criteria: { ...gate.criteria, minRequests: analysis.minRequests ?? gate.criteria.minRequests } };
}

/** The gate's decision on the canary of `scope` at a given instant, as `runStep` evaluates it. */
export function gateAt(prometheus: string, scope: string, settings: Pick<GateSettings, "criteria" | "requestMetrics">, token?: string): (at: number) => Promise<Decision> {
    const { criteria, requestMetrics } = settings;
    return async (at) => decide((await measure(prometheus, scope, criteria.window, String(at), token, requestMetrics)).get("canary"), criteria);
}

const OUTCOME_TEXT: Record<Outcome, string> = {
    promote: "PROMOTE",
    rollback: "ROLL BACK",
    wait: "HOLD: not enough evidence to promote",
    error: "ERROR: could not decide",
};

async function main(argv: string[]): Promise<number> {
    const values = parseTarget(argv, "usage: npm run canary:step -- --stack <name> --agent <agent> --prometheus <url> [--project-dir <dir>]", false);
    if (values === undefined) return EXIT.error;
    const settings = stepSettings(values.stack, values.agent, values.root);
    const { analysis, criteria } = settings;
    console.log(`Canary step for ${values.agent} (stack ${values.stack}): a check every ${analysis.intervalSeconds}s for ${analysis.stepSeconds}s, `
        + `roll back after ${analysis.failureThreshold} failed checks, window ${criteria.window}, at least ${criteria.minRequests} requests`);
    const evaluate = gateAt(values.prometheus, agentScope(settings.namespace, values.agent), settings, process.env.PROMETHEUS_BEARER_TOKEN);
    const result = await runStep(analysis, evaluate, SYSTEM_CLOCK, (check) => {
        console.log(`${new Date(check.at * 1000).toISOString()}  ${check.outcome.toUpperCase()}  ${check.lines.join("; ")}`);
    });
    const verdict = `${OUTCOME_TEXT[result.outcome]} (${result.reason})`;
    console.log(verdict);
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `Canary step for ${values.agent}: ${verdict}\n`);
    return EXIT[result.outcome];
}

if (require.main === module) runCommand(main);
