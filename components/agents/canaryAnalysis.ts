// `adk-platform:agents[i].canary.analysis`: how the step runner (`npm run canary:step`) judges one
// weight step of a canary, in the manner of Flagger's `analysis.interval` / `analysis.threshold`
// (docs.flagger.app, "Deployment strategies": schedule interval default 60s, rollback after
// `threshold` failed checks, so the time to roll back is interval × threshold). The criteria are
// the stack's (`monitoring.canary`); these settings only say how often and how long to ask.
import { z } from "zod";
import type { Problem } from "../../config/errors";
import { intBetween } from "../../config/primitives";

const ANALYSIS_DEFAULTS = { intervalSeconds: 60, failureThreshold: 5, stepSeconds: 600 } as const;

export const analysisSchema = z.strictObject({
    /** Seconds between two checks; Flagger's default interval. */
    intervalSeconds: intBetween(10, 3600).default(ANALYSIS_DEFAULTS.intervalSeconds),
    /** Failed checks that end the step in a rollback; as many passing checks are needed to promote. */
    failureThreshold: intBetween(1, 100).default(ANALYSIS_DEFAULTS.failureThreshold),
    /** Canary requests a check needs within the stack's canary window; the stack's `monitoring.canary.minRequests` when unset. */
    minRequests: intBetween(1, 1_000_000_000).optional(),
    /** How long the canary serves at each weight before the step may promote. */
    stepSeconds: intBetween(60, 86400).default(ANALYSIS_DEFAULTS.stepSeconds),
});

export type CanaryAnalysis = z.output<typeof analysisSchema>;

/**
 * A step holds floor(stepSeconds / intervalSeconds) checks. Fewer than `failureThreshold` of them
 * could neither roll the canary back nor gather the passes a promotion needs: every step would end
 * undecided.
 */
export function checkAnalysis(analysis: CanaryAnalysis | undefined, at: (...path: PropertyKey[]) => PropertyKey[]): Problem[] {
    if (analysis === undefined) return [];
    const checks = Math.floor(analysis.stepSeconds / analysis.intervalSeconds);
    if (checks >= analysis.failureThreshold) return [];
    return [{
        path: at("canary", "analysis", "stepSeconds"),
        message: `must hold at least failureThreshold (${analysis.failureThreshold}) checks of intervalSeconds (${analysis.intervalSeconds}): at least ${analysis.failureThreshold * analysis.intervalSeconds}, got ${analysis.stepSeconds}`,
    }];
}

/** The settings of a step, with the defaults for an agent that sets none. */
export function resolveAnalysis(analysis: CanaryAnalysis | undefined): CanaryAnalysis {
    return analysis ?? analysisSchema.parse({});
}
