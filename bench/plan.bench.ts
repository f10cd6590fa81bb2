// `npm run bench`: the feedback loop's figures in one run, each process measured on its own.
//   - cold `npm run plan -- --stack prod` (a new process, bundle already built) against the floor,
//     a process that only loads the four Pulumi SDKs: wall and CPU medians, peak RSS;
//   - the scale curve: the prod stacks of both clouds with 1, 10, 30 and 60 agents, and the
//     marginal milliseconds and MiB per agent (least-squares slope, r² for linearity), beside the
//     SDK's own cost of registering the same resources (bench/sdkFloor.ts);
//   - `npm run typecheck`, bench/canaryDetection.bench.ts's detection time, and
//     the mocha suite by folder (BENCH_TESTS=0 leaves it out).
// CPU of child processes is read from /proc/self/stat (cutime, cstime: the children waited for),
// which holds when the machine is shared; wall times need an idle machine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { ROOT } from "../tools/stackConfig";
import { planCommand } from "../test/fixtures";
import { canaryDetection } from "./canaryDetection.bench";
import { linearFit, median } from "./stats";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const AGENTS = [1, 10, 30, 60];
const SCALE_STACKS = ["prod", "gcp-prod"];
const FLOOR = `require("@pulumi/pulumi"); require("@pulumi/aws"); require("@pulumi/gcp"); require("@pulumi/kubernetes");`;

/** CPU milliseconds of the children this process has waited for (Linux). */
function childrenCpuMs(): number {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    // Fields 16 and 17 of proc(5), counted from the state (field 3) at index 0.
    return (Number(fields[13]) + Number(fields[14])) * (1000 / 100);
}

interface Measure { wallMs: number; cpuMs: number; rssMiB?: number; stdout: string }

function measure(command: string, args: string[], env: Record<string, string> = {}): Measure {
    const usageFile = path.join(os.tmpdir(), `adk-bench-${process.pid}.json`);
    const cpu = childrenCpuMs();
    const start = performance.now();
    const result = spawnSync(command, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, BENCH_USAGE: usageFile, ...env }, maxBuffer: 1 << 28 });
    const wallMs = performance.now() - start;
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
    let rssMiB: number | undefined;
    try {
        rssMiB = JSON.parse(readFileSync(usageFile, "utf8")).rssMiB;
        rmSync(usageFile);
    } catch {
        // Not a process with bench/usage.js preloaded.
    }
    return { wallMs, cpuMs: childrenCpuMs() - cpu, rssMiB, stdout: result.stdout };
}

const node = (args: string[]) => measure(process.execPath, ["--require", path.join(ROOT, "bench", "usage.js"), ...args]);
const fmt = (n: number, digits = 0) => n.toFixed(digits);

function coldPlan(): string[] {
    const out = mkdtempSync(path.join(os.tmpdir(), "adk-bench-plan-"));
    // As `npm run plan` runs it (package.json scripts.plan), without npm's start-up.
    const [, script] = planCommand();
    const plan = () => node([...script, "--stack", "prod", "--out", out]);
    plan(); // builds the bundle if a source changed: what follows is a user's second run
    const floors: Measure[] = [];
    const plans: Measure[] = [];
    for (let i = 0; i < RUNS; i++) {
        floors.push(node(["-e", FLOOR]));
        plans.push(plan());
    }
    rmSync(out, { recursive: true, force: true });
    const m = (list: Measure[], key: "wallMs" | "cpuMs" | "rssMiB") => median(list.map((x) => x[key] ?? NaN));
    return [
        `cold process, medians of ${RUNS}     wall ms   cpu ms   peak RSS MiB`,
        `  floor (require the 4 SDKs)  ${fmt(m(floors, "wallMs")).padStart(8)} ${fmt(m(floors, "cpuMs")).padStart(8)} ${fmt(m(floors, "rssMiB")).padStart(14)}`,
        `  npm run plan --stack prod   ${fmt(m(plans, "wallMs")).padStart(8)} ${fmt(m(plans, "cpuMs")).padStart(8)} ${fmt(m(plans, "rssMiB")).padStart(14)}`,
        `  plan / floor                ${fmt(m(plans, "wallMs") / m(floors, "wallMs"), 2).padStart(8)} ${fmt(m(plans, "cpuMs") / m(floors, "cpuMs"), 2).padStart(8)}`,
    ];
}

/** One process per point (its peak RSS its own): `script` prints {resources, ms, rssMiB} for a stack with N agents. */
function curve(script: string, stack: string) {
    const points = AGENTS.map((agents) => {
        const run = measure(process.execPath, ["tools/launch.js", script, stack, String(agents), String(RUNS)]);
        return { agents, ...(JSON.parse(run.stdout) as { resources: number; ms: number; rssMiB: number }) };
    });
    return {
        points,
        ms: linearFit(points.map((p) => ({ x: p.agents, y: p.ms }))),
        mib: linearFit(points.map((p) => ({ x: p.agents, y: p.rssMiB }))),
        resources: linearFit(points.map((p) => ({ x: p.agents, y: p.resources }))).slope,
    };
}

function scaleCurve(): string[] {
    const lines = [
        `scale: plan of the stack with N agents, warm, median of ${RUNS} in one process; peak RSS of that process.`,
        "  SDK floor: the same resources and inputs, with their SDK classes, registered through @pulumi/pulumi's own mocks as preview and update (bench/sdkFloor.ts)",
    ];
    for (const stack of SCALE_STACKS) {
        const plan = curve("bench/scale.ts", stack);
        const floor = curve("bench/sdkFloor.ts", stack);
        lines.push(`  ${stack}: ${plan.points.map((p) => `${p.agents} agents ${p.resources} resources ${fmt(p.ms)} ms ${fmt(p.rssMiB)} MiB`).join("; ")}`);
        lines.push(`  ${stack}: marginal ${fmt(plan.ms.slope, 1)} ms/agent (r² ${fmt(plan.ms.r2, 3)}), ${fmt(plan.mib.slope, 2)} MiB/agent (r² ${fmt(plan.mib.r2, 3)}), ${fmt(plan.resources, 1)} resources/agent`);
        lines.push(`  ${stack}: SDK floor ${fmt(floor.ms.slope, 1)} ms/agent (r² ${fmt(floor.ms.r2, 3)}), ${fmt(floor.mib.slope, 2)} MiB/agent; plan / floor ${fmt(plan.ms.slope / floor.ms.slope, 2)}`);
    }
    return lines;
}

function typecheck(): string[] {
    const run = measure("npm", ["run", "-s", "typecheck"]);
    return [`npm run typecheck (TypeScript 7, program and policy/): ${fmt(run.wallMs)} ms wall, ${fmt(run.cpuMs)} ms cpu`];
}

function tests(): string[] {
    const report = path.join(os.tmpdir(), `adk-bench-mocha-${process.pid}.json`);
    const run = measure("npx", ["mocha", "--reporter", "json", "--reporter-option", `output=${report}`]);
    const result = JSON.parse(readFileSync(report, "utf8")) as { stats: { passes: number; failures: number }; passes: { file: string; duration?: number }[] };
    rmSync(report);
    const folders = new Map<string, number>();
    for (const t of result.passes) {
        const folder = path.relative(ROOT, t.file).split(path.sep).slice(0, 3).join("/");
        folders.set(folder, (folders.get(folder) ?? 0) + (t.duration ?? 0));
    }
    return [
        `mocha (.mocharc.json): ${result.stats.passes} passing, ${result.stats.failures} failing, ${fmt(run.wallMs / 1000, 1)} s wall, ${fmt(run.cpuMs / 1000, 1)} s cpu`,
        "  time in tests by folder (hooks excluded; parallel workers overlap):",
        ...[...folders.entries()].sort((a, b) => b[1] - a[1]).map(([folder, ms]) => `  ${fmt(ms / 1000, 1).padStart(7)} s  ${folder}`),
    ];
}

async function detection(): Promise<string[]> {
    return ["canary detection (bench/canaryDetection.bench.ts):", `  canaryDetection: ${JSON.stringify(await canaryDetection())}`];
}

async function main(): Promise<void> {
    console.log(`npm run bench: node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    const sections = [
        coldPlan, scaleCurve, typecheck, detection,
        ...(process.env.BENCH_TESTS === "0" ? [] : [tests]),
    ];
    for (const section of sections) console.log(["", ...await section()].join("\n"));
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
