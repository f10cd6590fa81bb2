// What `pulumi up` runs: package.json's "main" (tools/pulumiMain.js), which runs index.ts from the
// esbuild bundle of tools/launch.js. It must register what the sources do, and see a change.
import * as assert from "node:assert/strict";
import { readFileSync, statSync, utimesSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { runProgram } from "../../tools/mockRuntime";
import { ROOT } from "../../tools/stackConfig";
import { awsStack, gcpStack, planFor } from "../fixtures";

const MAIN = path.join(ROOT, (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { main: string }).main);
// Plain JavaScript beside the sources, typed here.
const { compiled } = require("../../tools/launch") as { compiled(entry: string): Promise<string> };

describe("the program as pulumi up runs it (package.json main)", () => {
    it("needs no ts-node: Pulumi.yaml turns the host's TypeScript off and main is JavaScript", () => {
        const project = parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { main?: string; runtime: { options: { typescript: boolean } } };
        assert.equal(project.runtime.options.typescript, false);
        assert.equal(project.main, undefined, "the host then takes package.json's main (sdk/nodejs/cmd/run/run.ts)");
        assert.match(MAIN, /\.js$/);
    });

    for (const [cloud, config] of [["aws", awsStack({ environment: "prod" })], ["gcp", gcpStack({ environment: "prod" })]] as const) {
        it(`registers what the sources register (${cloud})`, async () => {
            const sources = (await planFor(config)).run;
            const bundled = await runProgram({ config, main: MAIN });
            assert.deepEqual(bundled.resources.map((r) => r.urn), sources.resources.map((r) => r.urn));
            assert.deepEqual(bundled.outputs, sources.outputs);
        });
    }

    it("rebuilds the bundle when a source it was built from changes", async () => {
        const bundle = await compiled("index.ts");
        const built = statSync(bundle).mtimeMs;
        assert.equal(await compiled("index.ts"), bundle);
        assert.equal(statSync(bundle).mtimeMs, built, "unchanged sources reuse the bundle");
        const source = path.join(ROOT, "components", "platform.ts");
        const { atime, mtime } = statSync(source);
        try {
            utimesSync(source, atime, new Date(mtime.getTime() + 1000));
            await compiled("index.ts");
            assert.ok(statSync(bundle).mtimeMs > built, "a touched source rebuilds it");
        } finally {
            utimesSync(source, atime, mtime);
        }
    });
});
