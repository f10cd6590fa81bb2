// `canaryDetection()`: how long the step runner takes to abort a canary that degrades in the middle of
// a step, with the default settings, against a real Prometheus on backfilled data
// (test/canaryScenario.ts: the scenario and the bound it is held to). `npm run bench` calls it.
import { AGENTS, history, stepOf } from "../test/canaryScenario";
import { startPrometheus } from "../test/prometheus";

/** Seconds from the degradation to the abort, the bound for the default settings, and the step's outcome. */
export async function canaryDetection(): Promise<{ outcome: string; detectionSeconds: number; boundSeconds: number; checks: number }> {
    const server = await startPrometheus(history());
    try {
        const { result, detectionSeconds, boundSeconds } = await stepOf(server, AGENTS.degrading);
        return { outcome: result.outcome, detectionSeconds, boundSeconds, checks: result.checks.length };
    } finally {
        await server.stop();
    }
}
