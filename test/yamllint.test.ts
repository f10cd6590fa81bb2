// The YAML people read and tools consume (stack files, workflows, the plan's outputs) passes
// yamllint. yamllint is a Debian package that .ci/run installs; a missing binary fails the test.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { writePlan } from "../tools/plan";
import { stackPlan } from "./fixtures";
import { ROOT } from "../tools/stackConfig";

const run = promisify(execFile);

async function yamllint(args: string[]): Promise<{ code: number; output: string }> {
    try {
        const { stdout } = await run("yamllint", ["-f", "parsable", ...args], { cwd: ROOT });
        return { code: 0, output: stdout };
    } catch (err) {
        const e = err as { code: number | string; stdout?: string; stderr?: string; message: string };
        if (e.code === "ENOENT") assert.fail("yamllint is not installed (apt-get install yamllint; .ci/run does it)");
        return { code: Number(e.code), output: `${e.stdout ?? ""}${e.stderr ?? ""}` || e.message };
    }
}

describe("yamllint", () => {
    it("passes the project's YAML: Pulumi.yaml, stack files, workflows, actions", async () => {
        const files = [
            // Not the temporary stacks other test files write and remove while this one runs.
            ...readdirSync(ROOT).filter((f) => /^Pulumi(\..+)?\.yaml$/.test(f) && !f.startsWith("Pulumi.test-")),
            ...readdirSync(path.join(ROOT, ".github", "workflows")).map((f) => path.join(".github", "workflows", f)),
            ...readdirSync(path.join(ROOT, ".github", "actions")).map((d) => path.join(".github", "actions", d, "action.yml")),
        ];
        for (const workflow of ["ci.yml", "preview.yml", "plan-diff.yml", "plan-diff-comment.yml"]) {
            assert.ok(files.includes(path.join(".github", "workflows", workflow)), workflow);
        }
        const result = await yamllint(["-c", ".yamllint.yaml", ...files]);
        assert.equal(result.code, 0, result.output);
    });

    it("passes the offline plan's YAML outputs", async () => {
        const out = mkdtempSync(path.join(tmpdir(), "adk-yamllint-"));
        try {
            const files = writePlan(await stackPlan("prod"), out).filter((f) => f.endsWith(".yaml"));
            // Generated documents carry long single-line values (dashboards as JSON, digests).
            const result = await yamllint(["-d", "{extends: .yamllint.yaml, rules: {line-length: disable}}", ...files]);
            assert.equal(result.code, 0, result.output);
        } finally {
            rmSync(out, { recursive: true, force: true });
        }
    });
});
