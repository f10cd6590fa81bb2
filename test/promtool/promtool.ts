// promtool and the rules it is run on, for the tests of the rules (test/components/observability/)
// and of the fixtures beside this file. Fixtures are rendered with the default settings: files
// named spans-* hold series as the collector derives them from spans, container-* cAdvisor's series
// that both sources share, the others the application metrics.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { ruleGroups } from "../../components/observability/ruleGroups";
import { REQUEST_METRICS, RequestMetrics, resolveMonitoring } from "../../components/observability/config";
import { ROOT } from "../../tools/stackConfig";

export const FIXTURES = path.join(ROOT, "test", "promtool");
/** The agents the promtool fixtures are written for. */
export const AGENTS = ["research-agent", "support-agent"];

export function promtool(args: string[], cwd: string) {
    // One Go thread and a lazier collector: the suite's two workers keep both cores busy, and
    // promtool's parallel collection only contends with them (~15 % less CPU on the fixtures).
    const result = spawnSync("promtool", args, { cwd, encoding: "utf8", env: { ...process.env, GOMAXPROCS: "1", GOGC: "400" } });
    // CI installs promtool (.ci/run); a missing binary is a failure, never a skip.
    if (result.error) throw new Error(`promtool could not run (${result.error.message}); install it with: apt-get install -y prometheus`);
    return { status: result.status, output: result.stdout + result.stderr };
}

export function withRules(groups: unknown, use: (dir: string) => void): void {
    const dir = mkdtempSync(path.join(tmpdir(), "adk-rules-"));
    try {
        writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups }, { lineWidth: 0 }));
        use(dir);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** The request sources a fixture file is written for. */
export function sourcesOf(file: string): RequestMetrics[] {
    if (file.startsWith("spans-")) return ["spans"];
    if (file.startsWith("container-")) return [...REQUEST_METRICS];
    return ["app-metrics"];
}

export const rulesFor = (requestMetrics: RequestMetrics, monitoring: Parameters<typeof resolveMonitoring>[0] = {}) =>
    ruleGroups({ namespace: "adk-agents", agents: AGENTS, monitoring: resolveMonitoring({ ...monitoring, requestMetrics }, { environment: "prod" }) });
