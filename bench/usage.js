// Preloaded (`node --require bench/usage.js`) into a process the bench measures: writes its peak
// RSS to $BENCH_USAGE when it exits (its CPU time the bench reads itself: bench/plan.bench.ts childrenCpuMs).
"use strict";
process.on("exit", () => {
    require("node:fs").writeFileSync(process.env.BENCH_USAGE, JSON.stringify({ rssMiB: process.resourceUsage().maxRSS / 1024 }));
});
