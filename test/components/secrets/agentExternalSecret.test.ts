// External Secrets delivery of an agent's cloud secret, on both clouds: per-agent SecretStore that
// authenticates as the agent's ServiceAccount, ExternalSecret into the Secret the workload reads,
// and the ServiceAccount annotated with the cloud identity that may read that secret only.
import * as assert from "node:assert/strict";
import { awsStack, gcpStack, IMAGE, planFor } from "../../fixtures";
import { Plan } from "../../../tools/mockRuntime";
import { firstRotationTime } from "../../../components/secrets/gcp/agentSecret";

const AGENTS = [{ name: "research-agent", image: IMAGE }, { name: "support-agent", image: IMAGE }];
const SECRETS = { agentSecrets: { "research-agent": { API_KEY: "k-123-research" }, "support-agent": { API_KEY: "k-456-support" } } };

function byName(plan: Plan, type: string, name: string) {
    const found = plan.ofType(type).find((r) => r.state.metadata?.name === name);
    assert.ok(found, `no ${type} ${name}`);
    return found.state;
}

describe("AgentExternalSecret", () => {
    for (const [cloud, stack] of [["aws", awsStack], ["gcp", gcpStack]] as const) {
        describe(cloud, () => {
            let plan: Plan;
            before(async () => {
                plan = await planFor(stack({ environment: "prod", agents: AGENTS, ...SECRETS }), { secretKeys: ["agentSecrets"] });
            });

            it("points each agent's Deployment at the Secret that ESO maintains, and creates no Secret itself", () => {
                // The only Secrets of the plan are the load balancer's own (the IAP OAuth client on GCP)
                // and the session URIs (GCP, without credentials).
                assert.deepEqual(plan.ofType("kubernetes:core/v1:Secret").filter((s) => !s.name.startsWith("edge-") && !s.name.startsWith("sessions-")).map((s) => s.name), []);
                for (const agent of ["research-agent", "support-agent"]) {
                    const external = byName(plan, "kubernetes:external-secrets.io/v1:ExternalSecret", agent);
                    assert.equal(external.spec.target.name, `${agent}-secrets`);
                    assert.equal(external.spec.secretStoreRef.name, agent);
                    const deployment = byName(plan, "kubernetes:apps/v1:Deployment", agent);
                    const refs = deployment.spec.template.spec.containers[0].envFrom.map((e: any) => e.secretRef?.name).filter(Boolean);
                    assert.deepEqual(refs, [`${agent}-secrets`]);
                }
            });

            it("authenticates each store as its own agent's ServiceAccount", () => {
                for (const agent of ["research-agent", "support-agent"]) {
                    const provider = byName(plan, "kubernetes:external-secrets.io/v1:SecretStore", agent).spec.provider;
                    const auth = cloud === "aws" ? provider.aws.auth.jwt : provider.gcpsm.auth.workloadIdentity;
                    assert.deepEqual(auth.serviceAccountRef, { name: agent });
                }
            });

            it("never writes a secret value in clear", () => {
                const text = JSON.stringify(plan.resources);
                assert.ok(!text.includes("k-123-research") && !text.includes("k-456-support"));
            });
        });
    }

    describe("aws cloud side", () => {
        let plan: Plan;
        before(async () => {
            plan = await planFor(awsStack({ environment: "prod", agents: AGENTS, ...SECRETS }), { secretKeys: ["agentSecrets"] });
        });

        it("seals each secret with the stack's rotating, protected key and rotates it within 90 days", () => {
            const key = plan.one("aws:kms/key:Key", "secrets-key");
            assert.equal(key.inputs.enableKeyRotation, true);
            assert.equal(key.protect, true);
            const secret = plan.one("aws:secretsmanager/secret:Secret", "secrets-research-agent-secret");
            assert.equal(secret.inputs.name, "adk/test/research-agent");
            assert.deepEqual(secret.propertyDependencies.kmsKeyId, [key.urn]);
            const rotation = plan.one("aws:secretsmanager/secretRotation:SecretRotation", "secrets-research-agent-rotation");
            assert.deepEqual(rotation.inputs.rotationRules, { automaticallyAfterDays: 90 });
            assert.equal(rotation.inputs.rotateImmediately, false);
            assert.equal(rotation.inputs.rotationLambdaArn, "arn:aws:lambda:eu-west-1:123456789012:function:adk-secret-rotation");
        });

        it("configures rotation only once the secret has a value and Secrets Manager may invoke the function", () => {
            const rotation = plan.one("aws:secretsmanager/secretRotation:SecretRotation", "secrets-research-agent-rotation");
            const value = plan.one("aws:secretsmanager/secretVersion:SecretVersion", "secrets-research-agent-value");
            const invoke = plan.one("aws:lambda/permission:Permission", "secrets-research-agent-rotation-invoke");
            assert.ok(rotation.dependencies.includes(value.urn), "testSecret runs when rotation is configured: the value must exist");
            assert.ok(rotation.dependencies.includes(invoke.urn));
            assert.deepEqual(invoke.inputs, {
                function: "arn:aws:lambda:eu-west-1:123456789012:function:adk-secret-rotation",
                action: "lambda:InvokeFunction",
                principal: "secretsmanager.amazonaws.com",
                sourceArn: plan.one("aws:secretsmanager/secret:Secret", "secrets-research-agent-secret").state.arn,
            });
        });

        it("lets each agent's IRSA role assume from its ServiceAccount only and read its own secret only", () => {
            const role = plan.one("aws:iam/role:Role", "secrets-research-agent-role");
            const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement[0];
            const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
            assert.deepEqual(trust.Condition.StringEquals, { [`${issuer}:sub`]: "system:serviceaccount:adk-agents:research-agent", [`${issuer}:aud`]: "sts.amazonaws.com" });
            const policy = JSON.parse(plan.one("aws:iam/rolePolicy:RolePolicy", "secrets-research-agent-policy").inputs.policy);
            const secretArn = plan.one("aws:secretsmanager/secret:Secret", "secrets-research-agent-secret").state.arn;
            assert.equal(policy.Statement[0].Resource, secretArn);
            assert.deepEqual(policy.Statement[1].Condition, { StringEquals: { "kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com" } });
            const sa = byName(plan, "kubernetes:core/v1:ServiceAccount", "research-agent");
            assert.equal(sa.metadata.annotations["eks.amazonaws.com/role-arn"], role.state.arn);
        });
    });

    describe("gcp cloud side", () => {
        let plan: Plan;
        before(async () => {
            plan = await planFor(gcpStack({ environment: "prod", agents: AGENTS, ...SECRETS, security: { secretRotationDays: 30 } }), { secretKeys: ["agentSecrets"] });
        });

        it("rotates the key within 90 days and lets Secret Manager use it and announce rotations", () => {
            assert.equal(plan.one("gcp:kms/cryptoKey:CryptoKey", "secrets-key").inputs.rotationPeriod, "7776000s");
            const member = plan.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "secrets-key-user").inputs;
            assert.equal(member.member, "serviceAccount:service-123456789012@gcp-sa-secretmanager.iam.gserviceaccount.com");
            const secret = plan.one("gcp:secretmanager/secret:Secret", "secrets-research-agent-secret").inputs;
            assert.equal(secret.rotation.rotationPeriod, `${30 * 86400}s`);
            assert.equal(secret.topics.length, 1);
            assert.ok(secret.replication.userManaged.replicas.every((r: any) => r.location === "europe-west1" && r.customerManagedEncryption.kmsKeyName));
        });

        it("announces the first rotation after the end of the day, never less than the 5 minutes Secret Manager requires", () => {
            const secret = plan.one("gcp:secretmanager/secret:Secret", "secrets-research-agent-secret").inputs;
            assert.ok(Date.parse(secret.rotation.nextRotationTime) - Date.now() > 30 * 86400_000);
            const lastSecond = Date.UTC(2026, 10, 27, 23, 59, 59);
            for (const now of [lastSecond, Date.UTC(2026, 10, 27, 0, 0, 0)]) {
                assert.ok(Date.parse(firstRotationTime(now, 86400)) - now >= 300_000, new Date(now).toISOString());
                assert.equal(firstRotationTime(now, 86400), "2026-11-29T00:00:00.000Z", "the same all day");
            }
        });

        it("binds each agent's Google service account to its Kubernetes ServiceAccount and its secret only", () => {
            const wi = plan.one("gcp:serviceaccount/iAMMember:IAMMember", "secrets-research-agent-workload-identity").inputs;
            assert.equal(wi.member, "serviceAccount:adk-prod-123.svc.id.goog[adk-agents/research-agent]");
            const reader = plan.one("gcp:secretmanager/secretIamMember:SecretIamMember", "secrets-research-agent-reader");
            assert.equal(reader.inputs.role, "roles/secretmanager.secretAccessor");
            assert.deepEqual(reader.propertyDependencies.secretId, [plan.one("gcp:secretmanager/secret:Secret", "secrets-research-agent-secret").urn]);
            const sa = byName(plan, "kubernetes:core/v1:ServiceAccount", "research-agent");
            assert.equal(sa.metadata.annotations["iam.gke.io/gcp-service-account"], "adk-test-research-agent@adk-prod-123.iam.gserviceaccount.com");
        });
    });
});
