// `npm run canary:gate -- --stack <name> --agent <agent> --prometheus <url> [--time <t>]`
// Decides whether a canary may take more traffic, from the stack's own canary criteria
// (`adk-platform:monitoring.canary`) and the same queries the ADKCanaryUnhealthy rules record.
// Exit codes: 0 promote, 1 roll back, 2 not enough traffic yet, 3 the gate could not decide
// (bad arguments, bad configuration, Prometheus unreachable).
import { appendFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { canaryQueries, requestSeries } from "../components/observability/promql";
import { PROJECT } from "../config/project";
import { formatIssues } from "../config/errors";
import { CanaryCriteria, monitoringSchema, RequestMetrics, resolveMonitoring } from "../components/observability/config";
import { ENVIRONMENTS } from "../config/presets";
import { readStackConfig, ROOT } from "./stackConfig";

export const EXIT = { promote: 0, rollback: 1, wait: 2, error: 3 } as const;
export type Verdict = Exclude<keyof typeof EXIT, "error">;

export interface TrackFigures {
    requests: number;
    successRatio: number;
    errorRatio: number;
    p95Seconds: number;
}

export interface Decision {
    verdict: Verdict;
    /** One line per criterion, saying how the canary fared. */
    checks: string[];
}

const pct = (ratio: number) => (Number.isNaN(ratio) ? "n/a" : `${(ratio * 100).toFixed(2)}%`);
const ms = (seconds: number) => (Number.isNaN(seconds) ? "n/a" : `${Math.round(seconds * 1000)} ms`);

/** The gate's rule: enough traffic first, then every criterion; a missing figure fails its criterion. */
export function decide(canary: TrackFigures | undefined, criteria: CanaryCriteria): Decision {
    const requests = canary?.requests ?? 0;
    const sample = `requests ${Math.round(requests)} (need at least ${criteria.minRequests})`;
    if (canary === undefined || !(requests >= criteria.minRequests)) return { verdict: "wait", checks: [`WAIT  ${sample}`] };
    const results = [
        { ok: canary.successRatio >= criteria.minSuccessRatio, text: `success ${pct(canary.successRatio)} (need >= ${pct(criteria.minSuccessRatio)})` },
        { ok: canary.errorRatio <= criteria.maxErrorRatio, text: `errors ${pct(canary.errorRatio)} (need <= ${pct(criteria.maxErrorRatio)})` },
        { ok: canary.p95Seconds <= criteria.maxP95Seconds, text: `p95 ${ms(canary.p95Seconds)} (need <= ${ms(criteria.maxP95Seconds)})` },
    ];
    const checks = [`PASS  ${sample}`, ...results.map((r) => `${r.ok ? "PASS" : "FAIL"}  ${r.text}`)];
    return { verdict: results.every((r) => r.ok) ? "promote" : "rollback", checks };
}

export class GateError extends Error {}

interface PromVector {
    status: string;
    error?: string;
    data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

async function instantQuery(prometheus: string, query: string, time: string | undefined, token: string | undefined): Promise<Map<string, number>> {
    const url = new URL("api/v1/query", prometheus.endsWith("/") ? prometheus : `${prometheus}/`);
    const body = new URLSearchParams({ query, ...(time === undefined ? {} : { time }) });
    let response: Response;
    try {
        response = await fetch(url, {
            method: "POST",
            body,
            headers: token ? { authorization: `Bearer ${token}` } : {},
            signal: AbortSignal.timeout(30_000),
        });
    } catch (err) {
        throw new GateError(`cannot reach Prometheus at ${prometheus}: ${(err as Error).message}`);
    }
    const answer = (await response.json().catch(() => ({ status: "error", error: `HTTP ${response.status}` }))) as PromVector;
    if (answer.status !== "success" || answer.data?.resultType !== "vector") {
        throw new GateError(`Prometheus rejected the query (${answer.error ?? `HTTP ${response.status}`}): ${query}`);
    }
    return new Map(answer.data.result.map((sample) => [sample.metric.track ?? "", Number(sample.value[1])]));
}

/**
 * The four figures for each track of one agent, at `time` (default: now), from the stack's request
 * metrics (`monitoring.requestMetrics`; spans unless the stack chose otherwise).
 */
export async function measure(prometheus: string, scope: string, window: string, time?: string, token?: string, source: RequestMetrics = "spans"): Promise<Map<string, TrackFigures>> {
    const queries = canaryQueries(requestSeries(source), scope, "track", window);
    const keys = Object.keys(queries) as (keyof TrackFigures)[];
    const answers = await Promise.all(keys.map((key) => instantQuery(prometheus, queries[key], time, token)));
    const tracks = new Map<string, TrackFigures>();
    for (const track of answers[0].keys()) {
        tracks.set(track, Object.fromEntries(keys.map((key, i) => [key, answers[i].get(track) ?? Number.NaN])) as unknown as TrackFigures);
    }
    return tracks;
}

export interface GateSettings {
    namespace: string;
    criteria: CanaryCriteria;
    requestMetrics: RequestMetrics;
}

/** The stack's namespace, canary criteria and request metrics, through the same schema `pulumi up` validates with; the caller may hand over the stack file it has read. */
export function gateSettings(stack: string, agent: string, root = ROOT, { config } = readStackConfig(stack, root)): GateSettings {
    const key = (name: string) => `${PROJECT}:${name}`;
    const problems: string[] = [];
    const environment = config[key("environment")];
    if (!ENVIRONMENTS.includes(environment as never)) problems.push(`${key("environment")}: must be one of ${ENVIRONMENTS.join(", ")}, got ${JSON.stringify(environment)}`);
    const monitoring = monitoringSchema.safeParse(config[key("monitoring")], { reportInput: true });
    if (!monitoring.success) problems.push(...formatIssues(key("monitoring"), monitoringSchema, monitoring.error.issues, []));
    const agents = Array.isArray(config[key("agents")]) ? (config[key("agents")] as { name?: string; canary?: unknown }[]) : [];
    const entry = agents.find((a) => a?.name === agent);
    if (entry === undefined) problems.push(`${key("agents")}: stack ${stack} has no agent named "${agent}" (agents: ${agents.map((a) => a?.name).join(", ")})`);
    else if (entry.canary === undefined) problems.push(`${key("agents")}: agent "${agent}" of stack ${stack} runs no canary`);
    if (problems.length > 0 || !monitoring.success) throw new GateError(problems.join("\n"));
    const resolved = resolveMonitoring(monitoring.data, { environment: environment as (typeof ENVIRONMENTS)[number] });
    return {
        namespace: typeof config[key("namespace")] === "string" ? config[key("namespace")] as string : "adk-agents",
        criteria: resolved.canary,
        requestMetrics: resolved.requestMetrics,
    };
}

function table(tracks: Map<string, TrackFigures>): string[] {
    const rows = [["track", "requests", "success", "errors", "p95"]];
    for (const track of ["stable", "canary"]) {
        const f = tracks.get(track);
        rows.push(f ? [track, String(Math.round(f.requests)), pct(f.successRatio), pct(f.errorRatio), ms(f.p95Seconds)] : [track, "no traffic", "", "", ""]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd());
}

const VERDICT_TEXT: Record<Verdict, string> = {
    promote: "PROMOTE: the canary meets every criterion",
    rollback: "ROLL BACK: the canary misses a criterion",
    wait: "WAIT: not enough canary traffic to decide yet",
};

/** What both canary commands are given: the stack, its agent, and the Prometheus that holds its traffic. */
export interface CanaryTarget {
    stack: string;
    agent: string;
    prometheus: string;
    /** The project directory whose stack files are read. */
    root: string;
    /** The gate's evaluation time (`--time`), for the commands that accept one. */
    time?: string;
}

const TARGET_OPTIONS = {
    stack: { type: "string" },
    agent: { type: "string" },
    prometheus: { type: "string" },
    time: { type: "string" },
    "project-dir": { type: "string" },
} as const;

/** The command's target, or undefined after printing `usage` when an argument is missing or not accepted. */
export function parseTarget(argv: string[], usage: string, acceptsTime: boolean): CanaryTarget | undefined {
    const { values } = parseArgs({ args: argv, options: TARGET_OPTIONS, strict: true });
    if (!values.stack || !values.agent || !values.prometheus || (!acceptsTime && values.time !== undefined)) {
        console.error(usage);
        return undefined;
    }
    const root = values["project-dir"] ? path.resolve(values["project-dir"]) : ROOT;
    return { stack: values.stack, agent: values.agent, prometheus: values.prometheus, root, time: values.time };
}

/** The selector of one agent's series, as the rules record them. */
export function agentScope(namespace: string, agent: string): string {
    return `namespace="${namespace}", agent_id="${agent}"`;
}

/** Runs a command's main and exits with its code; an error it cannot decide through exits 3. */
export function runCommand(main: (argv: string[]) => Promise<number>): void {
    main(process.argv.slice(2)).then((code) => process.exit(code), (err) => {
        console.error(err instanceof GateError || err instanceof TypeError ? err.message : err);
        process.exit(EXIT.error);
    });
}

async function main(argv: string[]): Promise<number> {
    const values = parseTarget(argv, "usage: npm run canary:gate -- --stack <name> --agent <agent> --prometheus <url> [--time <rfc3339|unix>] [--project-dir <dir>]", true);
    if (values === undefined) return EXIT.error;
    const { namespace, criteria, requestMetrics } = gateSettings(values.stack, values.agent, values.root);
    const scope = agentScope(namespace, values.agent);
    const tracks = await measure(values.prometheus, scope, criteria.window, values.time, process.env.PROMETHEUS_BEARER_TOKEN, requestMetrics);
    const decision = decide(tracks.get("canary"), criteria);
    const lines = [
        `Canary gate for ${values.agent} (stack ${values.stack}, namespace ${namespace}), window ${criteria.window}${values.time ? ` ending ${values.time}` : ""}:`,
        ...table(tracks).map((l) => `  ${l}`),
        ...decision.checks.map((c) => `  ${c}`),
        VERDICT_TEXT[decision.verdict],
    ];
    console.log(lines.join("\n"));
    if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `\`\`\`\n${lines.join("\n")}\n\`\`\`\n`);
    return EXIT[decision.verdict];
}

if (require.main === module) runCommand(main);
