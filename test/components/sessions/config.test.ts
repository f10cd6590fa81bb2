// adk-platform:sessions: the store per environment, the refusal of in-memory sessions where
// several replicas would each keep their own, and the database settings per cloud.
import * as assert from "node:assert/strict";
import { AWS_SESSIONS, awsStack, configProblems, GCP_SESSIONS, gcpStack, IMAGE, planFor } from "../../fixtures";

const KEY = "adk-platform:sessions.store";

describe("sessions config", () => {
    it("refuses memory in staging and prod when an agent may run more than one replica, naming the key and the agent", async () => {
        for (const environment of ["staging", "prod"]) {
            const problems = await configProblems(awsStack({ environment, sessions: { store: "memory" } }));
            const line = problems.find((p) => p.startsWith(`${KEY}:`));
            assert.ok(line, problems.join("\n"));
            assert.match(line, /agents\[0\] \(research-agent\)/);
            assert.match(line, new RegExp(`must not be memory in ${environment}`));
        }
    });

    it("refuses memory when only the HPA may scale past one replica", async () => {
        const problems = await configProblems(awsStack({ environment: "prod", replicas: 1, sessions: { store: "memory" } }));
        assert.ok(problems.some((p) => p.startsWith(`${KEY}:`) && p.includes("may scale to 10")), problems.join("\n"));
    });

    it("allows memory outside dev for agents pinned to one replica, and in dev whatever the replicas", async () => {
        await planFor(awsStack({ environment: "prod", replicas: 1, maxReplicas: 1, sessions: { store: "memory" } }));
        await planFor(awsStack({ environment: "dev", replicas: 2, maxReplicas: 4, sessions: { store: "memory" } }));
    });

    it("defaults to memory in dev and to the database elsewhere, with the environment's preset", async () => {
        const dev = await planFor(awsStack());
        assert.deepEqual(dev.ofType("aws:rds/instance:Instance"), []);
        const db = async (environment: string) => (await planFor(awsStack({ environment }))).one("aws:rds/instance:Instance", "sessions-db");
        const prod = await db("prod");
        // Prod: highly available, protected, a month of backups, a final snapshot.
        assert.deepEqual([prod.inputs.multiAz, prod.inputs.deletionProtection, prod.inputs.backupRetentionPeriod, prod.inputs.instanceClass, prod.inputs.skipFinalSnapshot, prod.protect],
            [true, true, 30, "db.m7g.large", false, true]);
        const staging = await db("staging");
        assert.deepEqual([staging.inputs.multiAz, staging.inputs.deletionProtection, staging.inputs.backupRetentionPeriod, staging.inputs.skipFinalSnapshot, staging.protect],
            [false, false, 7, true, false]);
    });

    it("refuses agentengine on aws, naming the key", async () => {
        const problems = await configProblems(awsStack({ sessions: { store: "agentengine", agentEngine: { id: "projects/p/locations/europe-west1/reasoningEngines/123" } } }));
        assert.ok(problems.some((p) => p.startsWith(`${KEY}: agentengine`) && p.includes("only on gcp")), problems.join("\n"));
    });

    it("requires the agent engine on gcp for agentengine", async () => {
        const problems = await configProblems(gcpStack({ sessions: { store: "agentengine" } }));
        assert.ok(problems.includes("adk-platform:sessions.agentEngine.id: is required when sessions.store is agentengine"), problems.join("\n"));
    });

    it("requires each cloud's network for the database, and refuses the other cloud's settings", async () => {
        const aws = await configProblems(awsStack({ environment: "prod", sessions: { database: { tier: "db-custom-2-7680" } } }));
        assert.ok(aws.some((p) => p.startsWith("adk-platform:sessions.database.aws: is required")), aws.join("\n"));
        assert.ok(aws.some((p) => p.startsWith("adk-platform:sessions.database.tier: is a gcp setting")), aws.join("\n"));
        const gcp = await configProblems(gcpStack({ environment: "prod", sessions: { database: { ...AWS_SESSIONS.database } } }));
        assert.ok(gcp.some((p) => p.startsWith("adk-platform:sessions.database.gcp: is required")), gcp.join("\n"));
        assert.ok(gcp.some((p) => p.startsWith("adk-platform:sessions.database.aws: is for aws stacks")), gcp.join("\n"));
    });

    it("refuses a database that admits no client, one subnet, and a store it does not know", async () => {
        const { vpcId, rotationLambdaArn } = AWS_SESSIONS.database.aws;
        const problems = await configProblems(awsStack({ environment: "prod", sessions: { store: "redis", database: { aws: { vpcId, rotationLambdaArn, subnetIds: ["subnet-0a1b2c3d4e5f6000a"] } } } }));
        assert.ok(problems.some((p) => p.startsWith(`${KEY}: must be one of memory, database, agentengine`)), problems.join("\n"));
        assert.ok(problems.some((p) => p.startsWith("adk-platform:sessions.database.aws.subnetIds: must list at least two")), problems.join("\n"));
        const open = await configProblems(awsStack({ environment: "prod", sessions: { database: { aws: { ...AWS_SESSIONS.database.aws, clientSecurityGroupIds: [] } } } }));
        assert.ok(open.some((p) => p.startsWith("adk-platform:sessions.database.aws.clientSecurityGroupIds: must list")), open.join("\n"));
    });

    it("refuses an agent env that sets the session URI the store provides", async () => {
        const problems = await configProblems(awsStack({ environment: "prod", agents: [{ name: "research-agent", image: IMAGE, env: { SESSION_SERVICE_URI: "sqlite:///x" } }] }));
        assert.ok(problems.some((p) => p.startsWith("adk-platform:agents[0].env.SESSION_SERVICE_URI: is set by the platform")), problems.join("\n"));
    });

    it("accepts the gcp network with private services access", async () => {
        await planFor(gcpStack({ environment: "prod", sessions: GCP_SESSIONS }));
    });

    it("counts the Auth Proxy beside every agent pod and the bootstrap pods in the namespace quota", async () => {
        // Prod on GCP: one agent at 10 replicas + 1 surge = 11 pods of 500m requested CPU (5.5), plus 11 proxies
        // of 50m (0.55) and a bootstrap pod of psql and proxy (0.1): 6.15 CPU in 12 pods.
        const quota = { requestsCpu: "6", pods: 12 };
        const problems = await configProblems(gcpStack({ environment: "prod", security: { quota } }));
        assert.ok(problems.some((p) => p.startsWith("adk-platform:security.quota.requestsCpu: must cover") && p.includes("needs 6.15")), problems.join("\n"));
        assert.ok(!problems.some((p) => p.startsWith("adk-platform:security.quota.pods")), problems.join("\n"));
        await planFor(gcpStack({ environment: "prod", security: { quota: { ...quota, requestsCpu: "6.15" } } }));
    });
});
