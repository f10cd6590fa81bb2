// The next `pulumi up` of a stack with a session database: a new agent adds its own database,
// user and Job and touches no other agent's; losing a database is called out.
import * as assert from "node:assert/strict";
import { diffPlans } from "../../../tools/engine/diff";
import { awsAgent, awsStack, diffOf, gcpAgent, gcpStack, planFor, previousPlan } from "../../fixtures";

const SESSION_TYPES = /^(aws:rds|aws:secretsmanager|gcp:sql|kubernetes:batch\/v1:Job|kubernetes:external-secrets)/;

describe("session store on the next up (--against)", () => {
    for (const { cloud, stack, agent } of [{ cloud: "aws", stack: awsStack, agent: awsAgent }, { cloud: "gcp", stack: gcpStack, agent: gcpAgent }] as const) {
        it(`${cloud}: a new agent gets its database, user and Job; no other agent's session resource changes`, async () => {
            const result = await diffOf(stack({ environment: "prod", agents: [agent("alpha")] }), stack({ environment: "prod", agents: [agent("alpha"), agent("beta")] }));
            const sessionSteps = result.steps.filter((s) => SESSION_TYPES.test(s.type));
            assert.deepEqual(sessionSteps.filter((s) => s.op !== "create").map((s) => `${s.op} ${s.name}`), []);
            const created = sessionSteps.map((s) => s.name);
            assert.ok(created.includes("sessions-bootstrap-beta"), created.join(", "));
            assert.ok(created.some((n) => n === (cloud === "aws" ? "sessions-beta" : "sessions-beta-db")), created.join(", "));
            assert.deepEqual(result.refusals, []);
            assert.deepEqual(result.warnings.filter((w) => w.kind === "data-loss"), []);
        });
    }

    it("gcp: removing an agent warns that its sessions are lost", async () => {
        const result = await diffOf(gcpStack({ environment: "prod", agents: [gcpAgent("alpha"), gcpAgent("beta")] }), gcpStack({ environment: "prod", agents: [gcpAgent("alpha")] }));
        const lost = result.warnings.filter((w) => w.kind === "data-loss");
        assert.deepEqual(lost.map((w) => w.message.split(" ")[0]), ["sessions-beta-db"]);
    });

    it("aws: a change that replaces the instance is refused in prod (protected) and warns of the lost sessions", async () => {
        // The storage key forces a new instance (kms_key_id is ForceNew).
        const before = await previousPlan(awsStack({ environment: "prod" }));
        const db = before.resources.find((r) => r.type === "aws:rds/instance:Instance")!;
        db.inputs.kmsKeyId = "arn:aws:kms:eu-west-1:123456789012:key/previous";
        const result = diffPlans(before, (await planFor(awsStack({ environment: "prod" }))).run);
        assert.ok(result.refusals.some((f) => f.kind === "protected-replacement" && f.urn === db.urn), JSON.stringify(result.refusals));
        assert.ok(result.warnings.some((f) => f.kind === "data-loss" && f.urn === db.urn), JSON.stringify(result.warnings));
    });
});
