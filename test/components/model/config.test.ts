// `adk-platform:model` and `agents[i].model`: the defaults per cloud, and every combination that
// would leave an agent without a working model or put a key where none belongs, refused by key.
import * as assert from "node:assert/strict";
import { awsStack, configProblems, FEDERATION, GCP_IMAGE, gcpStack, oneAgent as agentWith, planFor } from "../../fixtures";
const KEY = "AIza-model-key-in-clear";

/** The one problem line that starts with `key`, which must also say `message`. */
async function refused(config: Record<string, unknown>, key: string, message: RegExp): Promise<string[]> {
    const problems = await configProblems(config);
    const line = problems.find((p) => p.startsWith(`${key}: `));
    assert.ok(line, `no problem names ${key}: ${problems.join("\n")}`);
    assert.match(line, message);
    return problems;
}

describe("model access config (adk-platform:model, agents[i].model)", () => {
    it("defaults to api-key on aws, and refuses it without a model key in agentSecrets", async () => {
        await refused(awsStack({ model: {} }), "adk-platform:agents[0].model.access", /api-key needs GOOGLE_API_KEY in adk-platform:agentSecrets\.research-agent/);
    });

    it("names the stack's key when the stack's default is the one that cannot work", async () => {
        await refused(awsStack({ model: { access: "api-key" } }), "adk-platform:model.access", /api-key needs GOOGLE_API_KEY/);
    });

    it("accepts api-key with the key in agentSecrets (GEMINI_API_KEY too), as today's AWS stacks have it", async () => {
        for (const name of ["GOOGLE_API_KEY", "GEMINI_API_KEY"]) {
            await planFor(awsStack({ model: {}, agentSecrets: { "research-agent": { [name]: KEY } } }), { secretKeys: ["agentSecrets"] });
        }
    });

    it("refuses a model key in env, which goes into a ConfigMap in clear, without echoing it", async () => {
        const problems = await refused(awsStack(agentWith({ env: { GOOGLE_API_KEY: KEY } })), "adk-platform:agents[0].env.GOOGLE_API_KEY", /is a secret .*agentSecrets\.research-agent\.GOOGLE_API_KEY/);
        assert.ok(!problems.join("\n").includes(KEY), "the key is never echoed");
    });

    it("defaults to vertex-ai on gcp, and refuses a model key the agent would no longer need", async () => {
        const problems = await refused(gcpStack({ agentSecrets: { "research-agent": { GOOGLE_API_KEY: KEY } } }), "adk-platform:agentSecrets.research-agent.GOOGLE_API_KEY", /model API key, but agents\[0\] reaches Vertex AI through its workload identity/);
        assert.ok(!problems.join("\n").includes(KEY));
    });

    it("keeps other secrets of a vertex-ai agent", async () => {
        await planFor(gcpStack({ agentSecrets: { "research-agent": { SEARCH_API_KEY: "s" } } }), { secretKeys: ["agentSecrets"] });
    });

    it("refuses vertex-ai on aws without the federation settings", async () => {
        await refused(awsStack(agentWith({ model: { access: "vertex-ai" } })), "adk-platform:agents[0].model.access", /vertex-ai on aws needs adk-platform:model\.federation/);
        await planFor(awsStack({ ...agentWith({ model: { access: "vertex-ai" } }), model: { federation: FEDERATION } }));
    });

    it("refuses federation settings on gcp, where GKE's own federation applies", async () => {
        await refused(gcpStack({ model: { federation: FEDERATION } }), "adk-platform:model.federation", /only applies on aws/);
    });

    it("refuses the platform's Vertex AI variables in a vertex-ai agent's env", async () => {
        await refused(gcpStack({ agents: [{ name: "research-agent", image: GCP_IMAGE, env: { GOOGLE_CLOUD_LOCATION: "us-central1" } }] }), "adk-platform:agents[0].env.GOOGLE_CLOUD_LOCATION", /set by the platform for model\.access vertex-ai/);
    });

    it("refuses a location that only vertex-ai reads", async () => {
        await refused(awsStack(agentWith({ model: { access: "none", location: "europe-west1" } })), "adk-platform:agents[0].model.location", /only applies to model\.access vertex-ai; access is none/);
    });

    it("checks the identifiers IAM accepts", async () => {
        await refused(awsStack({ model: { federation: { ...FEDERATION, poolId: "gcp-pool" } } }), "adk-platform:model.federation.poolId", /not starting with gcp-/);
        await refused(awsStack({ model: { federation: { ...FEDERATION, projectNumber: "adk-models-123" } } }), "adk-platform:model.federation.projectNumber", /must be the project's number/);
        await refused(awsStack(agentWith({ model: { access: "bedrock" } })), "adk-platform:agents[0].model.access", /must be one of vertex-ai, api-key, none, got "bedrock"/);
        await refused(gcpStack({ model: { location: "Europe" } }), "adk-platform:model.location", /must be global, us, eu or a region/);
    });

    it("refuses artifacts on aws without the cluster's OIDC provider, which the agent's role needs", async () => {
        await refused(awsStack({ ...agentWith({ artifacts: true }), security: {} }), "adk-platform:agents[0].artifacts", /needs adk-platform:security\.aws\.oidcProviderArn/);
    });
});
