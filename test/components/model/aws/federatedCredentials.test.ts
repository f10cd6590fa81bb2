// The credential configuration google-auth reads on EKS, the token audience the pool's provider
// accepts, and the principal the Google side grants to.
import * as assert from "node:assert/strict";
import { credentialConfiguration, federatedPrincipal, TOKEN_EXPIRATION_SECONDS, tokenAudience } from "../../../../components/model/aws/federatedCredentials";
import { FEDERATION } from "../../../fixtures";

const PROVIDER = "projects/210987654321/locations/global/workloadIdentityPools/eks-adk-dev/providers/eks-adk-dev";

describe("Workload Identity Federation for Kubernetes (components/model/aws/federatedCredentials.ts)", () => {
    it("asks for a token the provider accepts by default: its full resource URL, https", () => {
        assert.equal(tokenAudience(FEDERATION), `https://iam.googleapis.com/${PROVIDER}`);
        assert.ok(TOKEN_EXPIRATION_SECONDS >= 600, "the API server refuses a projected token shorter than 10 minutes");
        assert.ok(TOKEN_EXPIRATION_SECONDS <= 3600, "and the token stays short-lived");
    });

    it("names the provider without scheme as STS's audience, and the token file as a text source", () => {
        const config = credentialConfiguration(FEDERATION);
        assert.equal(config.type, "external_account");
        assert.equal(config.audience, `//iam.googleapis.com/${PROVIDER}`);
        assert.deepEqual(config.credential_source, { file: "/var/run/secrets/gcp-workload-identity/token", format: { type: "text" } });
        assert.equal("service_account_impersonation_url" in config, false, "direct resource access by default");
        assert.ok(!/private_key|client_secret/.test(JSON.stringify(config)), "it holds no credential");
    });

    it("is the agent's own ServiceAccount, or the one Google service account every agent impersonates", () => {
        assert.equal(federatedPrincipal(FEDERATION, "adk-agents", "research-agent"),
            "principal://iam.googleapis.com/projects/210987654321/locations/global/workloadIdentityPools/eks-adk-dev/subject/system:serviceaccount:adk-agents:research-agent");
        const impersonating = { ...FEDERATION, serviceAccount: "adk-agents@adk-models-123.iam.gserviceaccount.com" };
        assert.equal(federatedPrincipal(impersonating, "adk-agents", "research-agent"), "serviceAccount:adk-agents@adk-models-123.iam.gserviceaccount.com");
        assert.match(String(credentialConfiguration(impersonating).service_account_impersonation_url), /serviceAccounts\/adk-agents@adk-models-123\.iam\.gserviceaccount\.com:generateAccessToken$/);
    });
});
