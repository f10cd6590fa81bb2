// The agents' Cloud Storage buckets across two `pulumi up`s: names Cloud Storage accepts, and a
// bucket that only its own agent's changes touch.
import * as assert from "node:assert/strict";
import { ruleProblems } from "../../../../tools/engine/naming";
import { replaceRuleFor } from "../../../../tools/engine/replaceTable";
import { NAMING } from "../../../../components/naming/table";
import { diffOf, GCP_IMAGE as IMAGE, gcpStack } from "../../../fixtures";

const BUCKET = "gcp:storage/bucket:Bucket";
const agent = (name: string, artifacts: boolean) => ({ name, image: IMAGE, artifacts });

describe("artifact buckets on GCP (adk:gcp:ArtifactBucket)", () => {
    it("names buckets as Cloud Storage accepts them, and a renamed bucket is a new one", () => {
        const rule = NAMING.get(BUCKET)!.rule;
        assert.deepEqual(ruleProblems(rule, "adk-prod-123-prod-research-agent-artifacts"), []);
        for (const bad of ["goog-agents", "my-google-agents", "Agents", "-agents"]) assert.notDeepEqual(ruleProblems(rule, bad), [], bad);
        assert.ok(replaceRuleFor(BUCKET)!.forceNew.includes("name"));
        assert.equal(replaceRuleFor(BUCKET)!.uniqueName, "name");
    });

    it("adding artifacts to one agent creates its bucket and grant, and leaves the other agent's alone", async () => {
        const before = gcpStack({ agents: [agent("research-agent", true), agent("support-agent", false)] });
        const after = gcpStack({ agents: [agent("research-agent", true), agent("support-agent", true)] });
        const result = await diffOf(before, after);
        const touched = result.steps.filter((s) => s.type.startsWith("gcp:storage/"));
        assert.deepEqual(touched.map((s) => [s.op, s.name]), [["create", "support-agent-artifacts-bucket"], ["create", "support-agent-artifacts-object-user"]]);
        assert.deepEqual(result.refusals, []);
    });
});
