// A canary that degrades in the middle of a weight step, as an hour of backfilled traffic for a real
// Prometheus, and the step runner driven through that step on the clock of the data (the gate's
// `time` parameter) so that nothing waits. test/tools/canaryStep.test.ts asserts on it and
// bench/canaryDetection.bench.ts reports it.
//
// The bound it is held to, derived for a ratio criterion over the gate's window W:
// - from T the canary fails a share `e` of its requests; the window's error ratio grows as
//   e × d / W (the window is full of steady traffic), so it exceeds the limit m after
//   d = m × W / e ("the rules' rate window": the dilution of a new failure in the window);
// - Prometheus sees it at the next scrape (one scrape interval);
// - the first check after that fails, at most one interval later, and the threshold-th failure
//   comes (threshold − 1) intervals after the first: interval × threshold in all.
// So the abort comes at most m × W / e + scrape + interval × threshold after T.
import { type CanaryAnalysis, resolveAnalysis } from "../components/agents/canaryAnalysis";
import { type CanaryCriteria, durationSeconds, type RequestMetrics, resolveMonitoring } from "../components/observability/config";
import { APP_METRICS, SPAN_METRICS } from "../components/observability/promql";
import { agentScope } from "../tools/canaryGate";
import { type Clock, gateAt, runStep, type StepResult } from "../tools/canaryStep";
import type { PrometheusServer } from "./prometheus";

export const NAMESPACE = "adk-agents";
/** 2026-01-01T00:00:00Z: the history starts here and lasts an hour, scraped every 15 s. */
export const START = 1767225600;
export const SCRAPE_SECONDS = 15;
const MINUTES = 60;
/** The step under test starts 35 minutes in, when the 30-minute window is full of canary traffic. */
export const STEP_START = START + 35 * 60;
/** The degrading canary fails from 3 minutes into the step. */
export const DEGRADES_AT = STEP_START + 3 * 60;
/** Its share of failed (5xx) requests from then on. */
export const FAILED_SHARE = 0.1;

/** Requests per second of each track: a canary at weight 10 of 10 requests per second. */
const RATES = { stable: 9, canary: 1 };

/** Agents of the history: one whose canary degrades at DEGRADES_AT, one whose canary stays healthy. */
export const AGENTS = { degrading: "degrading-agent", steady: "steady-agent" } as const;

/** Counter value at t seconds from START: ok and failed requests so far. */
function counts(rate: number, t: number, degradesAfter: number | undefined): { ok: number; failed: number } {
    const bad = degradesAfter === undefined ? 0 : Math.max(0, t - degradesAfter) * rate * FAILED_SHARE;
    return { ok: rate * t - bad, failed: bad };
}

/**
 * The history as OpenMetrics text, one family after the other, in both request sources: the
 * agents' application metrics (a failed request is a 500) and the collector's span metrics (a
 * failed run is an `invocation` span with status ERROR), shaped as test/promtool/spans-* shapes
 * them. Every request is answered within 100 ms.
 */
export function history(): string {
    const steps = Array.from({ length: (MINUTES * 60) / SCRAPE_SECONDS + 1 }, (_, i) => i * SCRAPE_SECONDS);
    const family = { requests: [] as string[], buckets: [] as string[], calls: [] as string[], durations: [] as string[] };
    for (const agent of Object.values(AGENTS)) {
        for (const [track, rate] of Object.entries(RATES)) {
            const degradesAfter = agent === AGENTS.degrading && track === "canary" ? DEGRADES_AT - START : undefined;
            const app = `namespace="${NAMESPACE}",agent_id="${agent}",track="${track}",method="POST",endpoint="/run"`;
            const spans = `namespace="${NAMESPACE}",job="otel-collector",agent_id="${agent}",track="${track}",span_name="invocation"`;
            for (const t of steps) {
                const { ok, failed } = counts(rate, t, degradesAfter);
                const at = START + t;
                family.requests.push(`${APP_METRICS.requests}{${app},status_code="200"} ${ok} ${at}`);
                family.calls.push(`${SPAN_METRICS.requests}{${spans},status_code="STATUS_CODE_UNSET"} ${ok} ${at}`);
                if (degradesAfter !== undefined) {
                    family.requests.push(`${APP_METRICS.requests}{${app},status_code="500"} ${failed} ${at}`);
                    family.calls.push(`${SPAN_METRICS.requests}{${spans},status_code="STATUS_CODE_ERROR"} ${failed} ${at}`);
                }
                for (const le of ["0.1", "0.25", "+Inf"]) {
                    family.buckets.push(`${APP_METRICS.durationBuckets}{${app},le="${le}"} ${rate * t} ${at}`);
                    family.durations.push(`${SPAN_METRICS.durationBuckets}{${spans},status_code="STATUS_CODE_UNSET",le="${le}"} ${rate * t} ${at}`);
                }
            }
        }
    }
    const name = (series: string, suffix: RegExp) => series.replace(suffix, "");
    return [
        `# TYPE ${name(APP_METRICS.requests, /_total$/)} counter`, ...family.requests,
        `# TYPE ${name(APP_METRICS.durationBuckets, /_bucket$/)} histogram`, ...family.buckets,
        `# TYPE ${name(SPAN_METRICS.requests, /_total$/)} counter`, ...family.calls,
        `# TYPE ${name(SPAN_METRICS.durationBuckets, /_bucket$/)} histogram`, ...family.durations,
        "# EOF", "",
    ].join("\n");
}

/** Starts at `startSeconds` and moves forward on every sleep, without waiting. */
export function dataClock(startSeconds: number): Clock {
    let now = startSeconds * 1000;
    return { now: () => now, sleep: async (ms) => { now += ms; } };
}

export interface Detection {
    result: StepResult;
    /** Seconds from DEGRADES_AT to the check that ended the step. */
    detectionSeconds: number;
    /** The bound above for these settings. */
    boundSeconds: number;
}

export interface Settings {
    criteria: CanaryCriteria;
    analysis: CanaryAnalysis;
    requestMetrics: RequestMetrics;
}

/** The default criteria (prod), request source and analysis settings. */
export function defaults(): Settings {
    const monitoring = resolveMonitoring({}, { environment: "prod" });
    return { criteria: monitoring.canary, requestMetrics: monitoring.requestMetrics, analysis: resolveAnalysis(undefined) };
}

/** One step of `agent` from STEP_START against `server`, with `settings`. */
export async function stepOf(server: PrometheusServer, agent: string, settings = defaults()): Promise<Detection> {
    const { criteria, analysis } = settings;
    const result = await runStep(analysis, gateAt(server.url, agentScope(NAMESPACE, agent), settings), dataClock(STEP_START));
    const dilution = (criteria.maxErrorRatio * durationSeconds(criteria.window)) / FAILED_SHARE;
    return {
        result,
        detectionSeconds: (result.checks.at(-1)?.at ?? Number.NaN) - DEGRADES_AT,
        boundSeconds: dilution + SCRAPE_SECONDS + analysis.intervalSeconds * analysis.failureThreshold,
    };
}
