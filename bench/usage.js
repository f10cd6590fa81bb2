// Preloaded (`node --require bench/usage.js`) into a process the bench measures: writes its CPU
// time and peak RSS to $BENCH_USAGE when it exits.
"use strict";
process.on("exit", () => {
    const usage = process.resourceUsage();
    require("node:fs").writeFileSync(process.env.BENCH_USAGE, JSON.stringify({
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        rssMiB: usage.maxRSS / 1024,
    }));
});
