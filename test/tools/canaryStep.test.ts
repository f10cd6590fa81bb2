// The step runner with a clock that advances without waiting: when it checks, when it stops, and
// what a step with too little traffic ends with; then its settings as a stack file gives them.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { resolveAnalysis } from "../../components/agents/canaryAnalysis";
import { type Decision, GateError, type Verdict } from "../../tools/canaryGate";
import { runStep, stepSettings } from "../../tools/canaryStep";
import { AGENTS, dataClock, DEGRADES_AT, defaults as defaultSettings, history, STEP_START, stepOf } from "../canaryScenario";
import { awsStack, configProblems, IMAGE, temporaryStack } from "../fixtures";
import { type PrometheusServer, startPrometheus } from "../prometheus";
import { ROOT } from "../../tools/stackConfig";

/** An evaluation that answers `verdicts` in turn ("error" throws as an unreachable Prometheus does), recording when it was asked. */
function scripted(verdicts: (Verdict | "error")[]) {
    const asked: number[] = [];
    const evaluate = async (at: number): Promise<Decision> => {
        const verdict = verdicts[asked.length] ?? verdicts.at(-1)!;
        asked.push(at);
        if (verdict === "error") throw new GateError("cannot reach Prometheus");
        return { verdict, checks: [verdict] };
    };
    return { asked, evaluate };
}

const defaults = resolveAnalysis(undefined);

describe("canary step runner", () => {
    it("defaults to Flagger's interval (60 s) and a threshold of 5, over a 10-minute step", () => {
        assert.deepEqual(defaults, { intervalSeconds: 60, failureThreshold: 5, stepSeconds: 600 });
    });

    it("checks once per interval, at the gate's time, and promotes a step of passing checks", async () => {
        const { asked, evaluate } = scripted(["promote"]);
        const result = await runStep(defaults, evaluate, dataClock(1000));
        assert.equal(result.outcome, "promote");
        assert.deepEqual(asked, Array.from({ length: 10 }, (_, i) => 1000 + 60 * (i + 1)));
    });

    it("stops at the threshold-th failed check, without waiting out the step", async () => {
        const { asked, evaluate } = scripted(["promote", "rollback", "promote", "rollback", "rollback", "rollback", "rollback"]);
        const result = await runStep(defaults, evaluate, dataClock(0));
        assert.equal(result.outcome, "rollback");
        assert.equal(asked.length, 7);
        assert.equal(asked.at(-1), 7 * 60);
        assert.match(result.reason, /5 failed checks reached the threshold \(5\) after 7 of 10/);
    });

    it("never counts a check below the minimum sample as a pass: a quiet step holds (exit 2)", async () => {
        assert.equal((await runStep(defaults, scripted(["wait"]).evaluate, dataClock(0))).outcome, "wait");
        // Four passes of the five a promotion needs, the rest too thin to judge.
        const thin = await runStep(defaults, scripted(["wait", "wait", "wait", "wait", "wait", "wait", "promote"]).evaluate, dataClock(0));
        assert.equal(thin.outcome, "wait");
        assert.match(thin.reason, /4 passed, 0 failed, 6 below the minimum sample/);
    });

    it("does not promote a step whose last check failed, below the threshold", async () => {
        const result = await runStep(defaults, scripted(["promote", "promote", "promote", "promote", "promote", "promote", "promote", "promote", "promote", "rollback"]).evaluate, dataClock(0));
        assert.equal(result.outcome, "wait");
    });

    it("ends undecided (exit 3) after threshold errors in a row, and an answer resets the count", async () => {
        const down = await runStep(defaults, scripted(["error"]).evaluate, dataClock(0));
        assert.deepEqual([down.outcome, down.checks.length], ["error", 5]);
        const flaky = await runStep(defaults, scripted(["error", "error", "error", "error", "promote", "error", "promote"]).evaluate, dataClock(0));
        assert.notEqual(flaky.outcome, "error");
    });

    it("keeps its schedule when an evaluation is slow", async () => {
        const clock = dataClock(0);
        const asked: number[] = [];
        const slow = async (at: number): Promise<Decision> => { asked.push(at); await clock.sleep(25_000); return { verdict: "promote", checks: [] }; };
        await runStep({ ...defaults, stepSeconds: 180 }, slow, clock);
        assert.deepEqual(asked, [60, 120, 180]);
    });

    describe("against a real Prometheus, on the data's clock", () => {
        let server: PrometheusServer;
        before(async () => {
            server = await startPrometheus(history());
        });
        after(async () => server?.stop());

        it("aborts a canary that degrades mid-step within the bound: window dilution + one scrape + interval × threshold", async () => {
            const { result, detectionSeconds, boundSeconds } = await stepOf(server, AGENTS.degrading);
            assert.equal(result.outcome, "rollback", result.reason);
            // 10% failures cross 0.5% of a 30-minute window after 90 s; + 15 s scrape + 60 s × 5.
            assert.equal(boundSeconds, 405);
            assert.ok(detectionSeconds > 0 && detectionSeconds <= boundSeconds, `${detectionSeconds} s`);
            assert.deepEqual(result.checks.filter((c) => c.at <= DEGRADES_AT).map((c) => c.outcome), ["promote", "promote", "promote"]);
        });

        it("decides the same from the agents' application metrics as from their spans", async () => {
            const spans = await stepOf(server, AGENTS.degrading);
            const app = await stepOf(server, AGENTS.degrading, { ...defaultSettings(), requestMetrics: "app-metrics" });
            assert.equal(defaultSettings().requestMetrics, "spans");
            assert.deepEqual(app.result.checks.map((c) => [c.at, c.outcome]), spans.result.checks.map((c) => [c.at, c.outcome]));
        });

        it("aborts sooner with a shorter interval and a lower threshold, still within its bound", async () => {
            const settings = defaultSettings();
            const quick = await stepOf(server, AGENTS.degrading, { ...settings, analysis: { ...settings.analysis, intervalSeconds: 20, failureThreshold: 3 } });
            assert.equal(quick.result.outcome, "rollback");
            assert.equal(quick.boundSeconds, 90 + 15 + 60);
            assert.ok(quick.detectionSeconds <= quick.boundSeconds, `${quick.detectionSeconds} s`);
        });

        it("promotes the steady canary after the whole step, every check passing", async () => {
            const { result } = await stepOf(server, AGENTS.steady);
            assert.equal(result.outcome, "promote", result.reason);
            assert.deepEqual([result.checks.length, result.checks.at(-1)?.at], [10, STEP_START + 600]);
        });

        it("holds a canary the stack's minimum sample finds too thin, whatever its figures", async () => {
            const settings = defaultSettings();
            const { result } = await stepOf(server, AGENTS.degrading, { ...settings, criteria: { ...settings.criteria, minRequests: 1_000_000 } });
            assert.equal(result.outcome, "wait");
        });
    });

    describe("settings", () => {
        it("load without the Pulumi SDK, as the gate's do: a rollout runs the step runner for every step", () => {
            // From their bundles, as `npm run canary:gate` and `canary:step` run them (tools/launch.js).
            for (const entry of ["tools/canaryGate.ts", "tools/canaryStep.ts"]) {
                const script = `require("./tools/launch").compiled(${JSON.stringify(entry)}).then((bundle) => { require(bundle); console.log(Object.keys(require.cache).filter((k) => k.includes("@pulumi/")).length) })`;
                assert.equal(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }).trim(), "0", entry);
            }
        });

        const agent = (canary: Record<string, unknown>) => ({ name: "research-agent", image: IMAGE, canary: { tag: "2.0.0", weight: 10, ...canary } });

        it("are read from the stack file, with the agent's minRequests over the stack's", () => {
            const file = temporaryStack("canary-step", awsStack({ agents: [agent({ analysis: { intervalSeconds: 30, failureThreshold: 3, minRequests: 40 } })] }));
            try {
                const settings = stepSettings(file.stack, "research-agent", ROOT);
                assert.deepEqual(settings.analysis, { intervalSeconds: 30, failureThreshold: 3, minRequests: 40, stepSeconds: 600 });
                assert.equal(settings.criteria.minRequests, 40);
                assert.equal(settings.criteria.window, "30m");
            } finally {
                file.remove();
            }
        });

        it("refuse a bad analysis naming the full key, in the step runner and in the plan", async () => {
            const bad = awsStack({ agents: [agent({ analysis: { intervalSeconds: 120, failureThreshold: 6, stepSeconds: 600 } })] });
            const expected = "adk-platform:agents[0].canary.analysis.stepSeconds: must hold at least failureThreshold (6) checks of intervalSeconds (120): at least 720, got 600";
            assert.deepEqual(await configProblems(bad), [expected]);
            const file = temporaryStack("canary-step-bad", bad);
            try {
                assert.throws(() => stepSettings(file.stack, "research-agent", ROOT), (err: Error) => err.message === expected);
            } finally {
                file.remove();
            }
            assert.deepEqual(await configProblems(awsStack({ agents: [agent({ analysis: { intervalSeconds: 5, colour: 1 } })] })), [
                "adk-platform:agents[0].canary.analysis.intervalSeconds: must be between 10 and 3600, got 5",
                "adk-platform:agents[0].canary.analysis.colour: unknown key (did you mean \"minRequests\"?)",
            ]);
        });

        it("belong to strategy canary only", async () => {
            const problems = await configProblems(awsStack({ agents: [{ ...agent({ analysis: {}, header: { name: "x-ab", value: "b" } }), strategy: "ab-testing", canary: { tag: "2.0.0", analysis: {}, header: { name: "x-ab", value: "b" } } }] }));
            assert.deepEqual(problems, ["adk-platform:agents[0].canary.analysis: only applies to strategy \"canary\"; strategy is \"ab-testing\""]);
        });
    });
});
