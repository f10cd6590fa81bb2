// A real Prometheus (Debian's `prometheus` package) on loopback, serving a history written as
// OpenMetrics text and backfilled with `promtool tsdb create-blocks-from openmetrics`, so that
// queries at fixed past instants answer as they would have then.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";

export interface PrometheusServer {
    url: string;
    stop(): Promise<void>;
}

export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer().once("error", reject).listen(0, "127.0.0.1", () => {
            const { port } = server.address() as { port: number };
            server.close(() => resolve(port));
        });
    });
}

const INSTALL = "install it with: apt-get install -y prometheus";

export async function startPrometheus(openMetrics: string): Promise<PrometheusServer> {
    const dir = mkdtempSync(path.join(tmpdir(), "adk-prometheus-"));
    const remove = () => rmSync(dir, { recursive: true, force: true });
    writeFileSync(path.join(dir, "history.om"), openMetrics);
    const backfill = spawnSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", path.join(dir, "history.om"), path.join(dir, "data")], { encoding: "utf8" });
    if (backfill.error || backfill.status !== 0) {
        remove();
        throw new Error(`promtool could not backfill (${backfill.error?.message ?? backfill.stderr}); ${INSTALL}`);
    }
    writeFileSync(path.join(dir, "prometheus.yml"), "global:\n  evaluation_interval: 1m\n");
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let log = "";
    const server = spawn("prometheus", [
        `--config.file=${path.join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // The backfilled blocks are dated; retention must not drop them.
        "--storage.tsdb.retention.time=100y",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    server.stderr.on("data", (chunk) => (log += chunk));
    server.on("error", (err) => (log += `\ncannot start prometheus (${err.message}); ${INSTALL}`));
    const stop = async () => {
        if (server.exitCode === null && server.signalCode === null) {
            const exited = new Promise((resolve) => server.once("exit", resolve));
            server.kill("SIGTERM");
            await exited;
        }
        remove();
    };
    // Polls readiness a bounded number of times; no wall-clock assertion.
    for (let attempt = 0; attempt < 300; attempt++) {
        if (server.exitCode !== null) break;
        if (await fetch(`${url}/-/ready`).then((r) => r.ok, () => false)) return { url, stop };
        await new Promise((r) => setTimeout(r, 100));
    }
    await stop();
    throw new Error(`prometheus did not become ready:\n${log}`);
}
