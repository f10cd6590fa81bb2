// `adk-platform:security`: defaults per environment and every rejected value, named by its full key.
import * as assert from "node:assert/strict";
import { ConfigError } from "../../../config";
import { awsStack, gcpStack, IMAGE, planFor } from "../../fixtures";
import { runProgram } from "../../../tools/mockRuntime";

async function problems(config: Record<string, unknown>): Promise<string[]> {
    try {
        await runProgram({ config });
    } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
    }
    assert.fail("expected the configuration to be rejected");
}

/** Provider settings reach the engine as JSON text. */
const parsed = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);

const BAD: [string, Record<string, unknown>, string][] = [
    ["unknown classification", awsStack({ security: { dataClassification: "secret" } }), `adk-platform:security.dataClassification: must be one of public, internal, confidential, restricted, got "secret"`],
    ["owner that is no label", awsStack({ security: { owner: "Team A" } }), `adk-platform:security.owner: must be lowercase letters, digits, '-' or '_'`],
    ["rotation beyond 90 days", awsStack({ security: { secretRotationDays: 120 } }), "adk-platform:security.secretRotationDays: must be between 1 and 90, got 120"],
    ["unknown delivery", awsStack({ security: { secretDelivery: "vault" } }), `adk-platform:security.secretDelivery: must be one of kubernetes, external-secrets, got "vault"`],
    ["typo", awsStack({ security: { costCenter: "cc-1" } }), `adk-platform:security.costCenter: unknown key (did you mean "costCentre"?)`],
    ["bad OIDC provider ARN", awsStack({ security: { aws: { oidcProviderArn: "arn:aws:iam::1:role/x" } } }), "adk-platform:security.aws.oidcProviderArn: must be an IAM OIDC provider ARN"],
    ["external secrets on AWS without IRSA and rotation", awsStack({ environment: "prod", security: {} }), "adk-platform:security.aws.oidcProviderArn: is required when secrets are delivered by external-secrets on aws"],
    ["bad egress CIDR", awsStack({ security: { egressAllow: [{ cidr: "10.0.0.0", ports: [5432] }] } }), `adk-platform:security.egressAllow[0].cidr: must be a CIDR block such as 203.0.113.0/24`],
    ["egress without ports", awsStack({ security: { egressAllow: [{ cidr: "10.0.0.0/24", ports: [] }] } }), "adk-platform:security.egressAllow[0].ports: must list at least one port"],
    ["bad quota quantity", awsStack({ security: { quota: { limitsMemory: "lots" } } }), `adk-platform:security.quota.limitsMemory: is not a memory quantity`],
    ["quota the agents outgrow", awsStack({ security: { quota: { limitsCpu: "2" } } }), "adk-platform:security.quota.limitsCpu: must cover the agents at maxReplicas plus surge on every track (needs 4), got 2"],
    ["pods the agents outgrow", awsStack({ agents: [{ name: "a", image: IMAGE, maxReplicas: 40 }] }), "adk-platform:security.quota.pods: must cover the agents at maxReplicas plus surge on every track (needs 41), got 30"],
    ["agent above the container maximum", awsStack({ agents: [{ name: "a", image: IMAGE, resources: { memoryRequest: "1Gi", memoryLimit: "16Gi" } }], security: { quota: { limitsMemory: "100Gi" } } }), "adk-platform:agents[0].resources.memoryLimit: exceeds the namespace's per-container maximum security.containerDefaults.maxMemory (8Gi), got 16Gi"],
];

describe("security configuration", () => {
    for (const [label, config, expected] of BAD) {
        it(`rejects ${label}`, async () => {
            const found = await problems(config);
            assert.ok(found.some((p) => p.startsWith(expected)), `expected a line starting with\n  ${expected}\ngot\n  ${found.join("\n  ")}`);
        });
    }

    it("reports several security problems at once", async () => {
        const found = await problems(awsStack({ security: { dataClassification: "x", secretRotationDays: 0, owner: "A" } }));
        assert.equal(found.filter((p) => p.startsWith("adk-platform:security.")).length, 3, found.join("\n"));
    });

    it("delivers secrets through Kubernetes in dev and through External Secrets in prod", async () => {
        const secrets = { agentSecrets: { "research-agent": { API_KEY: "s3cr3t-value" } } };
        const dev = await planFor(awsStack(secrets), { secretKeys: ["agentSecrets"] });
        assert.equal(dev.ofType("kubernetes:core/v1:Secret").length, 1);
        assert.equal(dev.ofType("kubernetes:external-secrets.io/v1:ExternalSecret").length, 0);
        const prod = await planFor(awsStack({ ...secrets, environment: "prod" }), { secretKeys: ["agentSecrets"] });
        assert.equal(prod.ofType("kubernetes:core/v1:Secret").length, 0);
        // The session database's secrets (sessions-*) are the sessions' own.
        const agentOwn = (r: { name: string }) => !r.name.startsWith("sessions-");
        assert.equal(prod.ofType("kubernetes:external-secrets.io/v1:ExternalSecret").filter(agentOwn).length, 1);
        assert.equal(prod.ofType("aws:secretsmanager/secret:Secret").filter(agentOwn).length, 1);
    });

    it("stamps classification, owner and cost centre on the cloud providers' defaults", async () => {
        const security = { dataClassification: "restricted", owner: "team-a", costCentre: "cc-7" };
        const aws = (await planFor(awsStack({ security: { ...security, aws: {} } }))).one("pulumi:providers:aws", "aws");
        assert.deepEqual(parsed(aws.inputs.defaultTags).tags, {
            project: "adk-platform", stack: "test", environment: "dev", "managed-by": "pulumi", "data-classification": "restricted", owner: "team-a", "cost-centre": "cc-7",
        });
        const gcp = (await planFor(gcpStack({ security }))).one("pulumi:providers:gcp", "gcp");
        const labels = parsed(gcp.inputs.defaultLabels);
        assert.equal(labels["data-classification"], "restricted");
        assert.equal(labels["cost-centre"], "cc-7");
    });
});
