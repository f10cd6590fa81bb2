// The secrets keys of `adk-platform:security` (components/secrets/config.ts): delivery per
// environment, rotation, and what External Secrets needs on AWS, each rejected value named by its full key.
import * as assert from "node:assert/strict";
import { awsStack, itRejects, planFor } from "../../fixtures";

const BAD: [string, Record<string, unknown>, string][] = [
    ["rotation beyond 90 days", awsStack({ security: { secretRotationDays: 120 } }), "adk-platform:security.secretRotationDays: must be between 1 and 90, got 120"],
    ["unknown delivery", awsStack({ security: { secretDelivery: "vault" } }), `adk-platform:security.secretDelivery: must be one of kubernetes, external-secrets, got "vault"`],
    ["external secrets on AWS without IRSA and rotation", awsStack({ environment: "prod", security: {} }), "adk-platform:security.aws.oidcProviderArn: is required when secrets are delivered by external-secrets on aws"],
];

describe("secrets configuration", () => {
    itRejects(BAD);

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
});
