// One point of the scale curve, in a process of its own so that its peak RSS is its own:
// `node tools/launch.js bench/scale.ts <stack> <agents> <runs>` plans the stack file with its agents
// replaced by <agents> copies of the first one, <runs> times after one warm-up, and prints
// {resources, ms (median), rssMiB (peak)} as JSON.
import { performance } from "node:perf_hooks";
import { plan } from "../tools/plan";
import { PROJECT } from "../config";
import { readStackConfig, StackConfig } from "../tools/stackConfig";
import type { ProgramRun } from "../tools/mockRuntime";
import { median } from "./stats";

const AGENTS = `${PROJECT}:agents`;
const SECRETS = `${PROJECT}:agentSecrets`;
const SECURITY = `${PROJECT}:security`;
/** Room for 60 agents at their presets' maxReplicas, which the namespace quota must cover. */
const QUOTA = { requestsCpu: "2000", requestsMemory: "4000Gi", limitsCpu: "4000", limitsMemory: "8000Gi", pods: 10000 };

/** The stack file's configuration with `count` agents like its first one, each with its secrets. */
export function withAgents(stack: string, count: number): StackConfig {
    const { config, secretKeys } = readStackConfig(stack);
    const [first] = config[AGENTS] as { name: string; image: string }[];
    const secrets = (config[SECRETS] as Record<string, unknown> | undefined)?.[first.name];
    const names = Array.from({ length: count }, (_, i) => `agent-${String(i + 1).padStart(3, "0")}`);
    return {
        config: {
            ...config,
            [AGENTS]: names.map((name) => ({ name, image: first.image })),
            [SECURITY]: { ...(config[SECURITY] as object | undefined), quota: QUOTA },
            ...(secrets === undefined ? {} : { [SECRETS]: Object.fromEntries(names.map((name) => [name, secrets])) }),
        },
        secretKeys,
    };
}

/**
 * A point's command, `<stack> <agents> <runs>`: plans the stack with <agents> agents (which warms
 * the plan up), times `measure(stack, config, run)` <runs> times after `warmUps` untimed calls, and
 * prints {resources, ms (median), rssMiB (peak)} as JSON.
 */
export function runPoint(measure: (stack: string, config: StackConfig, run: ProgramRun) => Promise<unknown>, warmUps: number): void {
    const main = async () => {
        const [stack, count, runs] = process.argv.slice(2);
        const stackConfig = withAgents(stack, Number(count));
        // As the plan command does: the SDK's per-promise stacks are not what is measured.
        Error.stackTraceLimit = 0;
        const { run } = await plan(stack, stackConfig);
        for (let i = 0; i < warmUps; i++) await measure(stack, stackConfig, run);
        const samples: number[] = [];
        for (let i = 0; i < Number(runs); i++) {
            const start = performance.now();
            await measure(stack, stackConfig, run);
            samples.push(performance.now() - start);
        }
        console.log(JSON.stringify({ resources: run.resources.length, ms: median(samples), rssMiB: process.resourceUsage().maxRSS / 1024 }));
    };
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}

if (require.main === module) runPoint((stack, config) => plan(stack, config), 0);
