// What the tests of the GitHub workflows and composite actions share: the files as data, and a
// step's script run as a runner runs it, with stand-ins for the commands it calls.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "../tools/stackConfig";

export interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
}

export interface Job {
    if?: string;
    permissions?: Record<string, string>;
    steps: Step[];
}

export interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

export const WORKFLOWS = path.join(".github", "workflows");
export const ACTIONS = path.join(".github", "actions");

/** A YAML file of the repository, parsed. */
export const read = (file: string) => parse(readFileSync(path.join(ROOT, file), "utf8"));

/**
 * Runs a script as GitHub runs `shell: bash` (`bash --noprofile --norc -eo pipefail`) from the
 * repository, with each of `stubs` (command name to bash body) first on PATH. Each stub logs its
 * call before its body runs; `calls` lists them, command then arguments. Stubs may keep state in
 * $STUB_DIR (also $RUNNER_TEMP); `keep` names its files to return in `files`.
 */
export function runStep(script: string, env: Record<string, string>, stubs: Record<string, string> = {}, keep: string[] = []) {
    const dir = mkdtempSync(path.join(tmpdir(), "adk-step-"));
    try {
        for (const [name, body] of Object.entries(stubs)) {
            writeFileSync(path.join(dir, name), `#!/usr/bin/env bash
{ echo "${name}"; printf '%s\\n' "$@"; echo; } >> "$STUB_LOG"
${body}`);
            chmodSync(path.join(dir, name), 0o755);
        }
        const log = path.join(dir, "log");
        writeFileSync(log, "");
        const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
            encoding: "utf8", cwd: ROOT, env: { PATH: `${dir}:${process.env.PATH}`, STUB_LOG: log, STUB_DIR: dir, RUNNER_TEMP: dir, ...env },
        });
        const calls = readFileSync(log, "utf8").split("\n\n").filter(Boolean).map((c) => c.split("\n"));
        const files = Object.fromEntries(keep.map((file) => [file, readFileSync(path.join(dir, file), "utf8")]));
        return { status: result.status, output: result.stdout + result.stderr, calls, files };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
