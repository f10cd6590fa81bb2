// The canary promotion workflow and its rollback action as data, and the rollback's scripts run by
// bash with stand-ins for npm and pulumi: what triggers them, in which order a rollback runs, and
// what reaches `pulumi up --target`.
import assert from "node:assert/strict";
import * as path from "node:path";
import { ACTIONS, read, runStep, Step, Workflow, WORKFLOWS } from "./githubFiles";

describe("canary promotion and rollback", () => {
    const PROMOTION = "canary-promotion.yml";
    const promotion = () => read(path.join(WORKFLOWS, PROMOTION)) as Workflow;
    const rollback = () => read(path.join(ACTIONS, "canary-rollback", "action.yml")).runs.steps as Step[];
    const URNS = [
        "urn:pulumi:prod::adk-platform::adk:aws:AlbCanary$aws:lb/listenerRule:ListenerRule::edge-research-agent",
        "urn:pulumi:prod::adk-platform::adk:aws:AlbCanary$aws:lb/listener:Listener::edge-https",
    ];

    it("runs on a manual dispatch and on Alertmanager's repository_dispatch of type canary-rollback", () => {
        assert.deepEqual(Object.keys(promotion().on), ["workflow_dispatch", "repository_dispatch"]);
        assert.deepEqual(promotion().on.repository_dispatch, { types: ["canary-rollback"] });
        assert.equal(promotion().jobs["alert-rollback"].if, "github.event_name == 'repository_dispatch'");
        assert.equal(promotion().jobs.step.if, "github.event_name == 'workflow_dispatch'");
    });

    it("analyses each step continuously with the step runner and rolls back in the same job, except on a hold", () => {
        const steps = promotion().jobs.step.steps;
        assert.ok(!steps.some((s) => /\bsleep \$\(\(/.test(s.run ?? "")), "no fixed soak");
        const analysis = steps.findIndex((s) => /npm run -s canary:step -- --stack "\$STACK" --agent "\$AGENT"/.test(s.run ?? ""));
        const back = steps.findIndex((s) => s.uses === "./.github/actions/canary-rollback");
        assert.ok(analysis > 0 && back > analysis);
        assert.equal(steps[back].if, "failure() && steps.analysis.outputs.verdict != 'hold'");
        const alert = promotion().jobs["alert-rollback"].steps;
        assert.ok(alert.some((s) => s.uses === "./.github/actions/canary-rollback"));
    });

    it("rolls back through weight 0, a targeted up of the routing URNs without refresh or preview, then a full up", () => {
        const steps = rollback();
        assert.deepEqual(steps.map((s) => s.name), ["Canary weight 0", "Update the routing resources only", "Converge the rest of the stack", "Propose weight 0 back to the repository"]);
        assert.match(steps[0].run!, /--path "agents\[\$index\]\.canary\.weight" 0$/m);
        for (const step of steps) assert.ok(!/refresh/.test(step.run ?? "") && step.with?.refresh === undefined, step.name);
        const env = { STACK: "prod", AGENT: "research-agent", PULUMI_ORG: "acme" };
        const result = runStep(steps[1].run!, env, { npm: `printf '%s\\n' '${URNS.join("' '")}'`, pulumi: "exit 0" });
        assert.equal(result.status, 0, result.output);
        assert.deepEqual(result.calls, [
            ["npm", "run", "-s", "plan", "--", "--stack", "prod", "--routing-urns", "research-agent"],
            ["pulumi", "up", "--yes", "--skip-preview", "--stack", "acme/adk-platform/prod", "--policy-pack", "policy", "--target", URNS[0], "--target", URNS[1]],
        ]);
    });

    it("stops before any up when the plan lists no routing URN for the agent", () => {
        const result = runStep(rollback()[1].run!, { STACK: "prod", AGENT: "support-agent", PULUMI_ORG: "acme" }, { npm: "echo 'no canary route' >&2; exit 1", pulumi: "exit 0" });
        assert.notEqual(result.status, 0);
        assert.deepEqual(result.calls.map((c) => c[0]), ["npm"]);
    });

    it("acts on a dispatch only for a stack file of this repository and an agent name", () => {
        const check = promotion().jobs["alert-rollback"].steps.find((s) => /Pulumi\.\$STACK\.yaml/.test(s.run ?? ""))!;
        assert.equal(runStep(check.run!, { STACK: "prod", AGENT: "research-agent" }).status, 0);
        for (const [stack, agent] of [["../../etc/passwd", "research-agent"], ["nope", "research-agent"], ["prod", "x; curl evil"], ["prod", ""]]) {
            assert.equal(runStep(check.run!, { STACK: stack, AGENT: agent }).status, 1, `${stack} ${agent}`);
        }
    });
});
