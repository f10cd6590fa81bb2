// How long the step runner takes to abort a canary that degrades in the middle of a step, measured
// against a real Prometheus holding an hour of backfilled traffic, on the clock of the data (the
// gate's `time` parameter) so that nothing waits. `canaryDetection()` returns the figure for the
// default settings; `npx tsx bench/canaryDetection.bench.ts` prints it.
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
import { type CanaryCriteria, durationSeconds, resolveMonitoring } from "../components/observability/config";
import { DURATION_BUCKETS, REQUESTS } from "../components/observability/promql";
import { decide, measure } from "../tools/canaryGate";
import { type Clock, runStep, type StepResult } from "../tools/canaryStep";
import { type PrometheusServer, startPrometheus } from "../test/prometheus";

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

/** The history as OpenMetrics text, one family after the other; every request answered within 100 ms. */
export function history(): string {
    const steps = Array.from({ length: (MINUTES * 60) / SCRAPE_SECONDS + 1 }, (_, i) => i * SCRAPE_SECONDS);
    const requests: string[] = [];
    const buckets: string[] = [];
    for (const agent of Object.values(AGENTS)) {
        for (const [track, rate] of Object.entries(RATES)) {
            const degradesAfter = agent === AGENTS.degrading && track === "canary" ? DEGRADES_AT - START : undefined;
            const labels = `namespace="${NAMESPACE}",agent_id="${agent}",track="${track}",method="POST",endpoint="/run"`;
            for (const t of steps) {
                const { ok, failed } = counts(rate, t, degradesAfter);
                requests.push(`${REQUESTS}{${labels},status_code="200"} ${ok} ${START + t}`);
                if (degradesAfter !== undefined) requests.push(`${REQUESTS}{${labels},status_code="500"} ${failed} ${START + t}`);
                for (const le of ["0.1", "0.25", "+Inf"]) buckets.push(`${DURATION_BUCKETS}{${labels},le="${le}"} ${rate * t} ${START + t}`);
            }
        }
    }
    return [
        `# TYPE ${REQUESTS.replace(/_total$/, "")} counter`, ...requests,
        `# TYPE ${DURATION_BUCKETS.replace(/_bucket$/, "")} histogram`, ...buckets,
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

/** The default criteria (prod) and analysis settings. */
export function defaults(): { criteria: CanaryCriteria; analysis: CanaryAnalysis } {
    return { criteria: resolveMonitoring({}, { environment: "prod" }).canary, analysis: resolveAnalysis(undefined) };
}

/** One step of `agent` from STEP_START against `server`, with `settings`. */
export async function stepOf(server: PrometheusServer, agent: string, settings = defaults()): Promise<Detection> {
    const { criteria, analysis } = settings;
    const scope = `namespace="${NAMESPACE}", agent_id="${agent}"`;
    const evaluate = async (at: number) => decide((await measure(server.url, scope, criteria.window, String(at))).get("canary"), criteria);
    const result = await runStep(analysis, evaluate, dataClock(STEP_START));
    const dilution = (criteria.maxErrorRatio * durationSeconds(criteria.window)) / FAILED_SHARE;
    return {
        result,
        detectionSeconds: (result.checks.at(-1)?.at ?? Number.NaN) - DEGRADES_AT,
        boundSeconds: dilution + SCRAPE_SECONDS + analysis.intervalSeconds * analysis.failureThreshold,
    };
}

/** Detection time of the degrading canary with the default settings, in seconds. */
export async function canaryDetection(): Promise<Detection> {
    const server = await startPrometheus(history());
    try {
        return await stepOf(server, AGENTS.degrading);
    } finally {
        await server.stop();
    }
}

if (require.main === module) {
    canaryDetection().then(({ result, detectionSeconds, boundSeconds }) => {
        console.log(`canary detection (defaults): ${result.outcome} ${detectionSeconds} s after the canary degraded (bound ${boundSeconds} s); ${result.reason}`);
    }, (err) => {
        console.error(err);
        process.exit(1);
    });
}
