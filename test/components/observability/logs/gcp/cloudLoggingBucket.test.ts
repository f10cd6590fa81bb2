// GKE's Cloud Logging routed into a bucket of the stack's own (monitoring.logging.ship, on by default in staging and prod).
import assert from "node:assert/strict";
import { gcpStack, planFor } from "../../../../fixtures";

describe("CloudLoggingBucket", () => {
    it("routes the agents' namespace into a bucket kept for the environment's retention, and out of _Default", async () => {
        const plan = await planFor(gcpStack({ environment: "staging", monitoring: { logging: { ship: true } } }));
        const bucket = plan.one("gcp:logging/projectBucketConfig:ProjectBucketConfig", "logs-bucket");
        assert.equal(bucket.inputs.retentionDays, 30);
        assert.equal(bucket.inputs.bucketId, "adk-platform-test-adk-agents");
        const filter = `resource.type="k8s_container" AND resource.labels.namespace_name="adk-agents"`;
        const sink = plan.one("gcp:logging/projectSink:ProjectSink", "logs-sink");
        assert.equal(sink.inputs.filter, filter);
        assert.equal(sink.inputs.destination, "logging.googleapis.com/projects/adk-prod-123/locations/global/buckets/adk-platform-test-adk-agents");
        assert.equal(plan.one("gcp:logging/projectExclusion:ProjectExclusion", "logs-exclusion").inputs.filter, filter);
        // No node agent on GKE: the built-in logging agent already collects stdout.
        assert.equal(plan.ofType("kubernetes:apps/v1:DaemonSet").length, 0);
    });

    it("is off by default", async () => {
        assert.equal((await planFor(gcpStack())).ofType("adk:gcp:CloudLoggingBucket").length, 0);
    });
});
