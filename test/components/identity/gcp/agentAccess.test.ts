// On GKE: Vertex AI and the artifact bucket granted to the agent's own principal through Workload
// Identity, with no Google service account key and no API key.
import * as assert from "node:assert/strict";
import { GCP_IMAGE as IMAGE, gcpStack, planFor } from "../../../fixtures";
import { Plan } from "../../../../tools/mockRuntime";
import { CONFIG_MAP } from "../../../../tools/resourceTypes";

const IAM = "gcp:projects/iAMMember:IAMMember";
const BUCKET = "gcp:storage/bucket:Bucket";
const BUCKET_IAM = "gcp:storage/bucketIAMMember:BucketIAMMember";
const agents = [
    { name: "research-agent", image: IMAGE, artifacts: true },
    { name: "support-agent", image: IMAGE },
];
const principal = (agent: string) => `principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/adk-prod-123.svc.id.goog/subject/ns/adk-agents/sa/${agent}`;

describe("agent access on GCP (adk:gcp:AgentAccess)", () => {
    let dev: Plan;
    before(async () => {
        dev = await planFor(gcpStack({ agents }));
    });

    it("grants roles/aiplatform.user to each agent's own Kubernetes ServiceAccount, with the project's number", () => {
        const grants = dev.ofType(IAM).filter((g) => g.inputs.role === "roles/aiplatform.user");
        assert.deepEqual(grants.map((g) => g.inputs.member), [principal("research-agent"), principal("support-agent")]);
        for (const grant of grants) assert.equal(grant.inputs.project, "adk-prod-123");
    });

    it("tells the agent to use Vertex AI, in the stack's project, on the global endpoint by default", () => {
        const env = dev.one(CONFIG_MAP, "support-agent-config").inputs.data;
        assert.equal(env.GOOGLE_CLOUD_PROJECT, "adk-prod-123");
        assert.equal(env.GOOGLE_CLOUD_LOCATION, "global");
        assert.equal(env.GOOGLE_GENAI_USE_VERTEXAI, "True");
        assert.equal(env.GOOGLE_GENAI_USE_ENTERPRISE, "True");
        assert.equal(env.GOOGLE_APPLICATION_CREDENTIALS, undefined, "GKE's metadata server is the credential");
    });

    it("creates no key of any kind: no service account key, no Secret, no API key", () => {
        assert.equal(dev.ofType("gcp:serviceaccount/key:Key").length, 0);
        assert.equal(dev.ofType("kubernetes:core/v1:Secret").length, 0);
        assert.ok(!JSON.stringify(dev.resources).includes("API_KEY"));
        assert.equal(dev.ofType(IAM).filter((g) => g.inputs.role === "roles/iam.workloadIdentityUser").length, 0, "no Google service account in between");
    });

    it("gives the agent that asks a private bucket that only its principal reads and writes", () => {
        const [bucket] = dev.ofType(BUCKET);
        assert.equal(dev.ofType(BUCKET).length, 1);
        assert.equal(bucket.inputs.name, "adk-prod-123-test-research-agent-artifacts");
        assert.equal(bucket.inputs.uniformBucketLevelAccess, true);
        assert.equal(bucket.inputs.publicAccessPrevention, "enforced");
        assert.equal(bucket.inputs.location, "europe-west1");
        const grants = dev.ofType(BUCKET_IAM);
        assert.deepEqual(grants.map((g) => [g.inputs.bucket, g.inputs.role, g.inputs.member]), [[bucket.inputs.name, "roles/storage.objectUser", principal("research-agent")]]);
        assert.equal(dev.one(CONFIG_MAP, "research-agent-config").inputs.data.ADK_ARTIFACT_SERVICE_URI, `gs://${bucket.inputs.name}`);
        assert.equal(dev.one(CONFIG_MAP, "support-agent-config").inputs.data.ADK_ARTIFACT_SERVICE_URI, undefined);
    });

    it("grants to the Google service account an agent already impersonates, for its secrets or its sessions: one identity per agent", async () => {
        const prod = await planFor(gcpStack({ environment: "prod", agents, agentSecrets: { "research-agent": { SEARCH_API_KEY: "s" } } }), { secretKeys: ["agentSecrets"] });
        const account = prod.one("gcp:serviceaccount/account:Account", "secrets-research-agent-gsa");
        const member = `serviceAccount:${account.state.email}`;
        // prod's session database gives support-agent a Google service account for Cloud SQL's IAM login.
        const sessionsAccount = prod.one("kubernetes:core/v1:ServiceAccount", "support-agent-sa").inputs.metadata.annotations["iam.gke.io/gcp-service-account"];
        assert.match(sessionsAccount, /-support-agent-db@/);
        assert.deepEqual(prod.ofType(IAM).filter((g) => g.inputs.role === "roles/aiplatform.user").map((g) => g.inputs.member).sort(), [member, `serviceAccount:${sessionsAccount}`]);
        assert.deepEqual(prod.ofType(BUCKET_IAM).map((g) => g.inputs.member), [member]);
        assert.ok(prod.one(BUCKET, "research-agent-artifacts-bucket").protect, "prod protects the bucket");
        assert.equal(prod.one(BUCKET, "research-agent-artifacts-bucket").inputs.forceDestroy, false);
    });

    it("wires nothing for an agent on model.access none", async () => {
        const none = await planFor(gcpStack({ model: { access: "none" } }));
        assert.equal(none.ofType(IAM).filter((g) => g.inputs.role === "roles/aiplatform.user").length, 0);
        assert.equal(none.one(CONFIG_MAP, "research-agent-config").inputs.data.GOOGLE_CLOUD_PROJECT, undefined);
    });
});
