// The session database on GCP: Cloud SQL for PostgreSQL on a private IP only, CMEK with the Cloud
// SQL service agent on the key, backups and PITR, and per agent an IAM database user behind the
// Cloud SQL Auth Proxy as a native sidecar.
import * as assert from "node:assert/strict";
import { GCP_SESSIONS, gcpStack, planFor } from "../../../fixtures";
import { Plan } from "../../../../tools/mockRuntime";

const image = (name: string) => `europe-west1-docker.pkg.dev/adk-prod-123/agents/${name}:1.4.2`;
const AGENTS = [{ name: "research-agent", image: image("research-agent") }, { name: "support-agent", image: image("support-agent") }];

describe("CloudSqlSessionStore", () => {
    let plan: Plan;
    before(async () => {
        plan = await planFor(gcpStack({ environment: "prod", agents: AGENTS, agentSecrets: { "research-agent": { KEY: "v" } } }), { secretKeys: ["agentSecrets"] });
    });

    it("runs a private-IP-only, CMEK-sealed, protected instance with backups and point-in-time recovery", () => {
        const db = plan.one("gcp:sql/databaseInstance:DatabaseInstance", "sessions-db");
        const { settings } = db.inputs;
        assert.equal(settings.ipConfiguration.ipv4Enabled, false);
        assert.equal(settings.ipConfiguration.privateNetwork, GCP_SESSIONS.database.gcp.network);
        assert.equal(db.inputs.encryptionKeyName, `${plan.one("gcp:kms/cryptoKey:CryptoKey", "sessions-key").name}-id`);
        assert.deepEqual([db.inputs.deletionProtection, settings.deletionProtectionEnabled, db.protect], [true, true, true]);
        assert.deepEqual([settings.backupConfiguration.enabled, settings.backupConfiguration.pointInTimeRecoveryEnabled, settings.availabilityType], [true, true, "REGIONAL"]);
        assert.deepEqual(settings.databaseFlags, [{ name: "cloudsql.iam_authentication", value: "on" }]);
        assert.equal(db.inputs.name, undefined, "auto-named: a deleted instance's name is held for a week");
        const member = plan.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "sessions-key-user");
        assert.match(member.inputs.member, /^serviceAccount:service-\d+@gcp-sa-cloud-sql\.iam\.gserviceaccount\.com$/);
    });

    it("gives each agent a database and an IAM user of its own Workload Identity, reusing the agent's secrets identity", () => {
        for (const agent of ["research-agent", "support-agent"]) {
            const user = plan.one("gcp:sql/user:User", `sessions-${agent}-user`);
            assert.equal(user.inputs.type, "CLOUD_IAM_SERVICE_ACCOUNT");
            assert.ok(!String(user.inputs.name).endsWith(".gserviceaccount.com"));
            assert.equal(plan.one("gcp:sql/database:Database", `sessions-${agent}-db`).inputs.name, agent.replace("-", "_"));
            const roles = plan.ofType("gcp:projects/iAMMember:IAMMember").filter((m) => m.name.startsWith(`sessions-${agent}-`)).map((m) => m.inputs.role).sort();
            assert.deepEqual(roles, ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]);
        }
        // research-agent has secrets: one Google service account serves both; support-agent gets one for the database.
        assert.deepEqual(plan.ofType("gcp:serviceaccount/account:Account").filter((a) => a.name.startsWith("sessions-")).map((a) => a.name).sort(), ["sessions-admin-gsa", "sessions-support-agent-gsa"]);
        const sa = (agent: string) => plan.one("kubernetes:core/v1:ServiceAccount", `${agent}-sa`).state.metadata.annotations["iam.gke.io/gcp-service-account"];
        assert.match(sa("research-agent"), /^adk-test-research-agent@/);
        assert.match(sa("support-agent"), /^adk-test-support-agent-db@/);
    });

    it("runs the Auth Proxy as a hardened native sidecar and hands the agent a URI without password from a Secret", () => {
        const pod = plan.one("kubernetes:apps/v1:Deployment", "support-agent-stable").state.spec.template.spec;
        const [proxy] = pod.initContainers;
        assert.equal(proxy.restartPolicy, "Always");
        assert.ok(proxy.args.includes("--auto-iam-authn") && proxy.args.includes("--private-ip"));
        assert.equal(proxy.securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(proxy.securityContext.capabilities, { drop: ["ALL"] });
        assert.ok(proxy.startupProbe);
        const env = pod.containers[0].env.find((e: any) => e.name === "SESSION_SERVICE_URI");
        assert.deepEqual(env.valueFrom.secretKeyRef, { name: "support-agent-sessions", key: "SESSION_SERVICE_URI" });
        const secret = plan.one("kubernetes:core/v1:Secret", "sessions-support-agent-uri");
        assert.equal(secret.inputs.stringData.SESSION_SERVICE_URI, "[secret]");
    });
});
