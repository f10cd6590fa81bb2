// `adk-platform:security`: defaults per environment and every rejected value, named by its full key.
import * as assert from "node:assert/strict";
import { awsStack, configProblems, gcpStack, IMAGE, itRejects, planFor } from "../../fixtures";

/** Provider settings reach the engine as JSON text. */
const parsed = (value: unknown) => (typeof value === "string" ? JSON.parse(value) : value);

const BAD: [string, Record<string, unknown>, string][] = [
    ["unknown classification", awsStack({ security: { dataClassification: "secret" } }), `adk-platform:security.dataClassification: must be one of public, internal, confidential, restricted, got "secret"`],
    ["owner that is no label", awsStack({ security: { owner: "Team A" } }), `adk-platform:security.owner: must be lowercase letters, digits, '-' or '_'`],
    ["typo", awsStack({ security: { costCenter: "cc-1" } }), `adk-platform:security.costCenter: unknown key (did you mean "costCentre"?)`],
    ["bad OIDC provider ARN", awsStack({ security: { aws: { oidcProviderArn: "arn:aws:iam::1:role/x" } } }), "adk-platform:security.aws.oidcProviderArn: must be an IAM OIDC provider ARN"],
    ["bad egress CIDR", awsStack({ security: { egressAllow: [{ cidr: "10.0.0.0", ports: [5432] }] } }), `adk-platform:security.egressAllow[0].cidr: must be a CIDR block such as 203.0.113.0/24`],
    ["egress without ports", awsStack({ security: { egressAllow: [{ cidr: "10.0.0.0/24", ports: [] }] } }), "adk-platform:security.egressAllow[0].ports: must list at least one port"],
    ["bad quota quantity", awsStack({ security: { quota: { limitsMemory: "lots" } } }), `adk-platform:security.quota.limitsMemory: is not a memory quantity`],
    ["quota the agents outgrow", awsStack({ security: { quota: { limitsCpu: "2" } } }), "adk-platform:security.quota.limitsCpu: must cover the agents at maxReplicas plus surge on every track (needs 4), got 2"],
    ["pods the agents outgrow", awsStack({ agents: [{ name: "a", image: IMAGE, maxReplicas: 40 }] }), "adk-platform:security.quota.pods: must cover the agents at maxReplicas plus surge on every track (needs 41), got 30"],
    ["agent above the container maximum", awsStack({ agents: [{ name: "a", image: IMAGE, resources: { memoryRequest: "1Gi", memoryLimit: "16Gi" } }], security: { quota: { limitsMemory: "100Gi" } } }), "adk-platform:agents[0].resources.memoryLimit: exceeds the namespace's per-container maximum security.containerDefaults.maxMemory (8Gi), got 16Gi"],
];

describe("security configuration", () => {
    itRejects(BAD);

    it("reports several security problems at once", async () => {
        const found = await configProblems(awsStack({ security: { dataClassification: "x", secretRotationDays: 0, owner: "A" } }));
        assert.equal(found.filter((p) => p.startsWith("adk-platform:security.")).length, 3, found.join("\n"));
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
