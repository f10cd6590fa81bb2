import * as assert from "node:assert/strict";
import { fitName } from "../../../../components/naming/names";
import { gcpStack, planFor } from "../../../fixtures";

describe("workloadIdentity (GKE Workload Identity)", () => {
    it("lets exactly one Kubernetes ServiceAccount act as the Google account, with only the roles asked for", async () => {
        const plan = await planFor(gcpStack({ monitoring: { tracing: { backend: "cloud" } } }));
        const children = plan.resources.filter((r) => r.name.startsWith("traces-") && r.type.startsWith("gcp:"));
        assert.deepEqual(children.map((c) => c.type).sort(), [
            "gcp:projects/iAMMember:IAMMember",
            "gcp:serviceaccount/account:Account",
            "gcp:serviceaccount/iAMMember:IAMMember",
        ]);
        const binding = children.find((c) => c.type === "gcp:serviceaccount/iAMMember:IAMMember")!;
        assert.equal(binding.inputs.role, "roles/iam.workloadIdentityUser");
        assert.equal(binding.inputs.member, "serviceAccount:adk-prod-123.svc.id.goog[adk-agents/otel-collector]");
        assert.equal(children.find((c) => c.type === "gcp:projects/iAMMember:IAMMember")!.inputs.role, "roles/cloudtrace.agent");
    });

    it("shortens long account names to GCP's 30 characters, keeping them distinct", () => {
        const a = fitName(`adk-prod-${"x".repeat(30)}-alpha`, 30);
        const b = fitName(`adk-prod-${"x".repeat(30)}-beta`, 30);
        assert.ok(a.length <= 30 && b.length <= 30, `${a} ${b}`);
        assert.notEqual(a, b);
        assert.equal(fitName("adk-traces-dev", 30), "adk-traces-dev");
    });
});
