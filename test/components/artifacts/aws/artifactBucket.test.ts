// The agents' S3 buckets across two `pulumi up`s: auto-named, so an agent's bucket never collides
// with anyone's, and only its own agent's changes touch it.
import * as assert from "node:assert/strict";
import { diffPlans } from "../../../../tools/engine/diff";
import { awsStack, IMAGE, planFor, previousPlan, SMALL_RESOURCES } from "../../../fixtures";

const agent = (name: string, artifacts: boolean) => ({ name, image: IMAGE, resources: SMALL_RESOURCES, artifacts });

describe("artifact buckets on AWS (adk:aws:ArtifactBucket)", () => {
    it("adding artifacts to one agent creates its bucket, key and role, and leaves the other agent's alone", async () => {
        const before = awsStack({ agents: [agent("research-agent", true), agent("support-agent", false)] });
        const after = awsStack({ agents: [agent("research-agent", true), agent("support-agent", true)] });
        const run = (await planFor(after)).run;
        const result = diffPlans(await previousPlan(before), run);
        const cloud = result.steps.filter((s) => s.type.startsWith("aws:"));
        assert.ok(cloud.some((s) => s.type === "aws:s3/bucket:Bucket"), "support-agent's bucket is created");
        assert.ok(cloud.every((s) => s.op === "create" && s.name.startsWith("support-agent")), cloud.map((s) => `${s.op} ${s.name}`).join(", "));
        assert.deepEqual(result.refusals, []);
        const buckets = run.resources.filter((r) => r.type === "aws:s3/bucket:Bucket" && r.name.endsWith("-artifacts"));
        assert.deepEqual(buckets.map((b) => b.name), ["research-agent-artifacts", "support-agent-artifacts"]);
        for (const bucket of buckets) assert.match(bucket.state.bucket, new RegExp(`^${bucket.name}-[0-9a-f]{7}$`), "auto-named: a global name nobody else holds");
    });
});
