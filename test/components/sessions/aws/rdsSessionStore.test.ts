// The session database on AWS: RDS for PostgreSQL in private subnets, 5432 from the cluster only,
// encrypted, the master password in Secrets Manager, and per agent a rotated secret that External
// Secrets Operator turns into the agent's session URI; a bootstrap Job per agent.
import * as assert from "node:assert/strict";
import { AWS_SESSIONS, awsStack, IMAGE, planFor } from "../../../fixtures";
import { Plan } from "../../../../tools/mockRuntime";
import { isKubernetesObject, toManifest } from "../../../../tools/manifests";
import { planDocument } from "../../../../tools/plan";

const AGENTS = [{ name: "research-agent", image: IMAGE }, { name: "support-agent", image: IMAGE.replace("research", "support") }];

describe("RdsSessionStore", () => {
    let plan: Plan;
    before(async () => {
        plan = await planFor(awsStack({ environment: "prod", agents: AGENTS }));
    });

    it("runs one encrypted, private, protected PostgreSQL instance with a managed master password", () => {
        const [db] = plan.ofType("aws:rds/instance:Instance");
        const key = plan.one("aws:kms/key:Key", "sessions-key");
        assert.equal(db.inputs.engine, "postgres");
        assert.equal(db.inputs.publiclyAccessible, false);
        assert.equal(db.inputs.storageEncrypted, true);
        assert.equal(db.inputs.manageMasterUserPassword, true);
        assert.equal(db.inputs.password, undefined);
        assert.equal(db.inputs.kmsKeyId, db.inputs.masterUserSecretKmsKeyId);
        assert.equal(key.protect, true);
        assert.equal(key.inputs.enableKeyRotation, true);
        const subnets = plan.one("aws:rds/subnetGroup:SubnetGroup", "sessions-subnets");
        assert.deepEqual(subnets.inputs.subnetIds, AWS_SESSIONS.database.aws.subnetIds);
    });

    it("admits 5432 from the cluster's security group only", () => {
        const rules = plan.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("sessions-"));
        assert.deepEqual(rules.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]),
            [[AWS_SESSIONS.database.aws.clientSecurityGroupIds[0], 5432, 5432, undefined]]);
    });

    it("gives each agent its own rotated secret, readable by its own role only, and its URI through External Secrets", () => {
        for (const agent of ["research-agent", "support-agent"]) {
            const secret = plan.one("aws:secretsmanager/secret:Secret", `sessions-${agent}`);
            assert.equal(secret.inputs.name, `adk/test/sessions/${agent}`);
            assert.equal(plan.one("aws:secretsmanager/secretRotation:SecretRotation", `sessions-${agent}-rotation`).inputs.rotationRules.automaticallyAfterDays <= 90, true);
            const policy = JSON.parse(plan.one("aws:iam/rolePolicy:RolePolicy", `sessions-${agent}-policy`).inputs.policy);
            assert.deepEqual(policy.Statement[0].Resource, [secret.state.arn]);
            const external = plan.ofType("kubernetes:external-secrets.io/v1:ExternalSecret").find((r) => r.state.metadata.name === `${agent}-sessions`)!;
            // Escaped: a rotated password may hold ':', '#', '?' or '%', which would end the userinfo early.
            assert.match(external.state.spec.target.template.data.SESSION_SERVICE_URI, /^postgresql\+asyncpg:\/\/\{\{ \.username \| urlquery \}\}:\{\{ \.password \| urlquery \}\}@.+:5432\/\w+\?ssl=require$/);
            const container = plan.one("kubernetes:apps/v1:Deployment", `${agent}-stable`).state.spec.template.spec.containers[0];
            const env = container.env.find((e: any) => e.name === "SESSION_SERVICE_URI");
            assert.deepEqual(env.valueFrom, { secretKeyRef: { name: `${agent}-sessions-secrets`, key: "SESSION_SERVICE_URI" } });
        }
    });

    it("never puts a password in clear in the plan or the manifests, and the URI in no ConfigMap", () => {
        const doc = JSON.stringify(planDocument({ run: plan.run }));
        const value = plan.one("aws:secretsmanager/secretVersion:SecretVersion", "sessions-research-agent-value");
        assert.equal(value.inputs.secretString, "[secret]");
        assert.ok(!/"password":"[^[]/.test(doc.replace(/\\"/g, '"')), "a password in clear");
        const manifests = plan.resources.filter(isKubernetesObject).map(toManifest);
        for (const m of manifests.filter((m) => m.kind === "ConfigMap")) assert.ok(!JSON.stringify(m).includes("postgresql+asyncpg"), `${m.metadata.name} holds a session URI`);
    });

    it("creates each agent's database and role with a hardened, idempotent Job reading the master secret through External Secrets", () => {
        const jobs = plan.ofType("kubernetes:batch/v1:Job");
        assert.deepEqual(jobs.map((j) => j.name).sort(), ["sessions-bootstrap-research-agent", "sessions-bootstrap-support-agent"]);
        const pod = jobs[0].state.spec.template.spec;
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.containers[0].securityContext.readOnlyRootFilesystem, true);
        const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.valueFrom?.secretKeyRef?.name ?? e.value]));
        assert.equal(env.PGPASSWORD, "sessions-admin-secrets");
        const admin = plan.ofType("kubernetes:external-secrets.io/v1:ExternalSecret").find((r) => r.state.metadata.name === "sessions-admin")!;
        assert.match(admin.state.spec.dataFrom[0].extract.key, /^arn:aws:secretsmanager:.*:secret:rds!db-/);
        const sql = plan.ofType("kubernetes:core/v1:ConfigMap").find((c) => c.name === "sessions-bootstrap-sql")!.state.data["bootstrap.sql"];
        assert.match(sql, /WHERE NOT EXISTS \(SELECT FROM pg_roles/);
        assert.match(sql, /WHERE NOT EXISTS \(SELECT FROM pg_database/);
    });
});
