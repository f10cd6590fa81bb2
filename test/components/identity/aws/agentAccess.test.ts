// On AWS: Vertex AI through Workload Identity Federation for Kubernetes (no key), and an S3 bucket
// per agent that only the agent's one IRSA role reads and writes.
import * as assert from "node:assert/strict";
import { agentEnv, AWS_SECURITY, awsStack, FEDERATION, IMAGE, planFor, podSpec, SMALL_RESOURCES } from "../../../fixtures";
import { Plan, SECRET } from "../../../../tools/mockRuntime";
import { CONFIG_MAP, DEPLOYMENT, SERVICE_ACCOUNT } from "../../../../tools/resourceTypes";

const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const BUCKET = "aws:s3/bucket:Bucket";
const KEY = "AIza-model-key-in-clear";

const agents = [
    { name: "research-agent", image: IMAGE, resources: SMALL_RESOURCES, artifacts: true },
    { name: "support-agent", image: "ghcr.io/acme/support:2.0.0", resources: SMALL_RESOURCES },
];

describe("agent access on AWS (adk:aws:AgentAccess)", () => {
    describe("vertex-ai through Workload Identity Federation for Kubernetes", () => {
        let plan: Plan;
        before(async () => {
            plan = await planFor(awsStack({ agents, model: { access: "vertex-ai", location: "europe-west1", federation: FEDERATION } }));
        });

        it("mounts a short-lived projected token for the pool's provider and the credential configuration, read-only", () => {
            const spec = podSpec(plan.one(DEPLOYMENT, "research-agent-stable"));
            const token = spec.volumes.find((v: any) => v.name === "gcp-token");
            assert.deepEqual(token.projected.sources, [{ serviceAccountToken: {
                audience: "https://iam.googleapis.com/projects/210987654321/locations/global/workloadIdentityPools/eks-adk-dev/providers/eks-adk-dev",
                expirationSeconds: 600,
                path: "token",
            } }]);
            const credentials = spec.volumes.find((v: any) => v.name === "gcp-credentials");
            assert.equal(credentials.configMap.name, plan.one(CONFIG_MAP, "vertex-ai-federation").state.metadata.name);
            const mounts = spec.containers[0].volumeMounts.filter((m: any) => m.name.startsWith("gcp-"));
            assert.equal(mounts.length, 2);
            for (const mount of mounts) assert.equal(mount.readOnly, true);
            // Restricted Pod Security still holds: no API token, read-only root filesystem.
            assert.equal(spec.automountServiceAccountToken, false);
            assert.equal(spec.containers[0].securityContext.readOnlyRootFilesystem, true);
        });

        it("writes an external_account configuration that google-auth reads from the token file", () => {
            const config = JSON.parse(plan.one(CONFIG_MAP, "vertex-ai-federation").inputs.data["credential-configuration.json"]);
            assert.deepEqual(config, {
                type: "external_account",
                audience: "//iam.googleapis.com/projects/210987654321/locations/global/workloadIdentityPools/eks-adk-dev/providers/eks-adk-dev",
                subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
                token_url: "https://sts.googleapis.com/v1/token",
                credential_source: { file: "/var/run/secrets/gcp-workload-identity/token", format: { type: "text" } },
            });
        });

        it("tells the agent where Vertex AI is and where its credentials are, with no key anywhere", () => {
            assert.deepEqual(Object.fromEntries(Object.entries(agentEnv(plan, "support-agent")).filter(([k]) => k.startsWith("GOOGLE_"))), {
                GOOGLE_CLOUD_PROJECT: "adk-models-123",
                GOOGLE_CLOUD_LOCATION: "europe-west1",
                GOOGLE_GENAI_USE_VERTEXAI: "True",
                GOOGLE_GENAI_USE_ENTERPRISE: "True",
                GOOGLE_APPLICATION_CREDENTIALS: "/etc/gcp-workload-identity/credential-configuration.json",
            });
            assert.ok(!JSON.stringify(plan.resources).includes("API_KEY"), "no model key in any resource");
            assert.equal(plan.ofType("kubernetes:core/v1:Secret").length, 0);
        });

        it("exports each agent's federated principal, for the grants on the Google side", () => {
            assert.deepEqual(plan.run.outputs.agentPrincipals, {
                "research-agent": {
                    model: "principal://iam.googleapis.com/projects/210987654321/locations/global/workloadIdentityPools/eks-adk-dev/subject/system:serviceaccount:adk-agents:research-agent",
                    artifacts: plan.one(ROLE, "research-agent-role").state.arn,
                },
                "support-agent": { model: "principal://iam.googleapis.com/projects/210987654321/locations/global/workloadIdentityPools/eks-adk-dev/subject/system:serviceaccount:adk-agents:support-agent" },
            });
        });

        it("impersonates the configured Google service account instead, when there is one", async () => {
            const impersonating = await planFor(awsStack({ agents, model: { access: "vertex-ai", federation: { ...FEDERATION, serviceAccount: "adk-agents@adk-models-123.iam.gserviceaccount.com" } } }));
            const config = JSON.parse(impersonating.one(CONFIG_MAP, "vertex-ai-federation").inputs.data["credential-configuration.json"]);
            assert.equal(config.service_account_impersonation_url, "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/adk-agents@adk-models-123.iam.gserviceaccount.com:generateAccessToken");
            assert.equal((impersonating.run.outputs.agentPrincipals as any)["support-agent"].model, "serviceAccount:adk-agents@adk-models-123.iam.gserviceaccount.com");
        });
    });

    describe("artifacts", () => {
        let dev: Plan;
        let prod: Plan;
        before(async () => {
            dev = await planFor(awsStack({ agents }));
            prod = await planFor(awsStack({
                environment: "prod", agents, model: {},
                agentSecrets: { "research-agent": { GOOGLE_API_KEY: KEY }, "support-agent": { GOOGLE_API_KEY: KEY } },
                security: AWS_SECURITY,
            }), { secretKeys: ["agentSecrets"] });
        });

        it("gives only the agent that asks a bucket: private, ACLs off, encrypted with its own rotating key", () => {
            const [bucket] = dev.ofType(BUCKET).filter((b) => b.name === "research-agent-artifacts");
            assert.ok(bucket);
            assert.equal(dev.ofType(BUCKET).filter((b) => b.name.includes("support-agent")).length, 0);
            const attached = (type: string) => dev.ofType(type).filter((r) => r.parent === bucket.parent);
            assert.deepEqual(attached("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").map((b) => [b.inputs.blockPublicAcls, b.inputs.blockPublicPolicy, b.inputs.ignorePublicAcls, b.inputs.restrictPublicBuckets]), [[true, true, true, true]]);
            assert.equal(attached("aws:s3/bucketOwnershipControls:BucketOwnershipControls")[0].inputs.rule.objectOwnership, "BucketOwnerEnforced");
            const [key] = attached("aws:kms/key:Key");
            assert.equal(key.inputs.enableKeyRotation, true);
            const sse = attached("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0].inputs.rules[0];
            assert.deepEqual(sse.applyServerSideEncryptionByDefault, { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn });
        });

        it("lets only the agent's role read and write its objects, over TLS only", () => {
            const policy = JSON.parse(dev.one("aws:s3/bucketPolicy:BucketPolicy", "research-agent-artifacts-policy").inputs.policy);
            const role = dev.one(ROLE, "research-agent-role");
            const [tls, others] = policy.Statement;
            assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
            assert.equal(others.Effect, "Deny");
            assert.deepEqual(others.Action, ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]);
            assert.deepEqual(others.Condition, { ArnNotEquals: { "aws:PrincipalArn": role.state.arn } });
            const grants = JSON.parse(dev.one(ROLE_POLICY, "research-agent-policy").inputs.policy).Statement;
            const bucket = dev.one(BUCKET, "research-agent-artifacts");
            assert.deepEqual(grants.map((s: any) => s.Resource), [bucket.state.arn, `${bucket.state.arn}/*`, dev.one("aws:kms/key:Key", "research-agent-artifacts-key").state.arn]);
            const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals;
            assert.ok(Object.values(trust).includes("system:serviceaccount:adk-agents:research-agent"), "only the agent's ServiceAccount assumes it");
            assert.equal(dev.one(SERVICE_ACCOUNT, "research-agent-sa").inputs.metadata.annotations["eks.amazonaws.com/role-arn"], role.state.arn);
            assert.match(agentEnv(dev, "research-agent").ADK_ARTIFACT_SERVICE_URI, /^s3:\/\/research-agent-artifacts-[0-9a-f]{7}$/);
        });

        it("keeps one role per agent: the artifacts join the role that already reads the agent's secret", () => {
            assert.deepEqual(prod.ofType(ROLE).filter((r) => r.name === "research-agent-role"), [], "no second role for the artifacts");
            const extra = prod.one(ROLE_POLICY, "research-agent-artifacts");
            // The role named by the ServiceAccount's annotation: its ARN ends with its name.
            const secretsRole = prod.one(ROLE, "secrets-research-agent-role").state.arn as string;
            assert.equal(extra.inputs.role, secretsRole.slice(secretsRole.lastIndexOf("/") + 1));
            const annotations = prod.one(SERVICE_ACCOUNT, "research-agent-sa").inputs.metadata.annotations;
            assert.deepEqual(Object.keys(annotations), ["eks.amazonaws.com/role-arn"]);
            assert.ok(prod.one(BUCKET, "research-agent-artifacts").protect, "prod protects the bucket");
        });

        it("keeps api-key as today's path: the key only in the secret store, never in clear", () => {
            assert.equal(agentEnv(prod, "support-agent").GOOGLE_API_KEY, undefined);
            assert.equal(prod.one("aws:secretsmanager/secretVersion:SecretVersion", "secrets-support-agent-value").inputs.secretString, SECRET);
            assert.ok(!JSON.stringify(prod.run).includes(KEY));
        });
    });
});
