// `npm run bench`: how long the offline plan of each stack takes in-process (config validation,
// program evaluation on the mocks, schema validation), as medians over repeated runs in one
// process. The first run of each stack (module loading, schema compilation) is reported apart.
import { performance } from "node:perf_hooks";
import { plan } from "../tools/plan";
import { stackNames } from "../tools/stackConfig";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function time(stack: string): Promise<number> {
    const start = performance.now();
    await plan(stack);
    return performance.now() - start;
}

async function main(): Promise<void> {
    const stacks = stackNames();
    const rows: { stack: string; first: number; median: number; resources: number }[] = [];
    for (const stack of stacks) {
        const first = await time(stack);
        const samples: number[] = [];
        for (let i = 0; i < RUNS; i++) samples.push(await time(stack));
        rows.push({ stack, first, median: median(samples), resources: (await plan(stack)).run.resources.length });
    }
    const base = rows.find((r) => r.stack === "dev") ?? rows[0];
    console.log(`offline plan, ${RUNS} runs per stack after one cold run (node ${process.version})`);
    console.log("stack".padEnd(12), "resources".padStart(9), "cold ms".padStart(9), "median ms".padStart(10), "vs dev".padStart(7));
    for (const r of rows) {
        console.log(r.stack.padEnd(12), String(r.resources).padStart(9), r.first.toFixed(0).padStart(9), r.median.toFixed(1).padStart(10), `${(r.median / base.median).toFixed(2)}x`.padStart(7));
    }
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
