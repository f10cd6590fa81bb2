// A new Google Cloud project has no API enabled: the stack enables the ones its resources call,
// and its provider, through which every resource is created, waits for them.
import assert from "node:assert/strict";
import { GCP_IMAGE, gcpStack, planFor } from "../../fixtures";

const API = "gcp:projects/service:Service";

describe("Google APIs (GCP)", () => {
    it("enables every API the configured features call, and the stack's provider waits for them", async () => {
        const plan = await planFor(gcpStack({
            environment: "prod",
            agentSecrets: { "research-agent": { SEARCH_API_KEY: "k" } },
            agents: [{ name: "research-agent", image: GCP_IMAGE, artifacts: true }],
            monitoring: { tracing: { backend: "cloud" }, logging: { ship: true } },
        }), { secretKeys: ["agentSecrets"] });
        const apis = plan.ofType(API);
        assert.deepEqual(apis.map((a) => a.inputs.service).sort(), [
            "aiplatform.googleapis.com", "certificatemanager.googleapis.com", "cloudkms.googleapis.com", "cloudtrace.googleapis.com", "compute.googleapis.com",
            "iam.googleapis.com", "iap.googleapis.com", "logging.googleapis.com", "pubsub.googleapis.com", "secretmanager.googleapis.com", "sqladmin.googleapis.com",
            "storage.googleapis.com",
        ]);
        const provider = plan.one("pulumi:providers:gcp", "gcp");
        // Depending on a component waits for each of its children (pulumi/pulumi sdk/nodejs
        // runtime/dependsOn.ts, getAllTransitivelyReferencedResourceURNs).
        for (const api of apis) {
            assert.ok(provider.dependencies.includes(api.urn), `the provider waits for ${api.inputs.service}`);
            assert.equal(api.inputs.disableOnDestroy, false, "destroying the stack leaves the project's APIs alone");
            assert.equal(api.provider, plan.one("pulumi:providers:gcp", "apis-provider").urn);
        }
        const cloudResources = plan.resources.filter((r) => r.type.startsWith("gcp:") && r.type !== API);
        assert.ok(cloudResources.length > 0 && cloudResources.every((r) => r.provider === provider.urn), "every other Google resource goes through the waiting provider");
    });

    it("enables only what a dev stack uses", async () => {
        const plan = await planFor(gcpStack({ monitoring: { tracing: { backend: "jaeger" } }, model: { access: "none" } }));
        assert.deepEqual(plan.ofType(API).map((a) => a.inputs.service), ["compute.googleapis.com", "certificatemanager.googleapis.com"]);
    });
});
