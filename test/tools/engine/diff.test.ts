import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { diffPlans, DiffResult, FindingKind, formatDiff, Operation, PlanDocument } from "../../../tools/engine/diff";
import { REPLACE_TABLE } from "../../../tools/engine/replaceTable";
import { plan, planDocument, writePlan } from "../../../tools/plan";
import { readStackConfig, stackNames } from "../../../tools/stackConfig";
import { awsAgent, awsStack, diffOf, gcpAgent, gcpStack, planCli, planFor, previousPlan, temporaryStack } from "../../fixtures";
import { ProgramRun } from "../../../tools/mockRuntime";
import { BINDING, HPA, LISTENER, ROUTE, RULE, TARGET_GROUP } from "../../../tools/resourceTypes";
import { routingUrns } from "../../../tools/engine/routing";

const canary = (weight: number) => ({ canary: { tag: "2.0.0", weight } });

/**
 * Per cloud: the resources that route to agents, and those that a change in the set of hosts
 * replaces by design (on AWS several hosts share one wildcard certificate; on GCP each host has a
 * certificate of its own, so nothing).
 */
const CLOUDS = [
    { cloud: "aws", stack: awsStack, agent: awsAgent, routing: [RULE, LISTENER], hostBound: [] },
    { cloud: "gcp", stack: gcpStack, agent: gcpAgent, routing: [ROUTE], hostBound: [] },
] as const;

function ofOp(result: DiffResult, op: Operation) {
    return result.steps.filter((s) => s.op === op);
}

function kinds(findings: { kind: FindingKind }[]): FindingKind[] {
    return findings.map((f) => f.kind);
}

/** Rewrites the priorities of a run's or plan's listener rules, as the index-based scheme assigned them. */
function withPriorities<T extends { resources: { type: string; name: string; inputs: Record<string, any> }[] }>(plan: T, priorities: Record<string, number>): T {
    for (const r of plan.resources.filter((r) => r.type === RULE)) r.inputs.priority = priorities[r.name];
    return plan;
}

describe("diff against a previous plan (--against)", () => {
    for (const { cloud, stack, agent, routing, hostBound } of CLOUDS) {
        describe(cloud, () => {
            const [alpha, beta, gamma] = ["alpha", "beta", "gamma"].map((n) => agent(n));
            const routes = (result: DiffResult) => result.steps.filter((s) => routing.includes(s.type as never));
            /** Only host-bound resources are replaced, each with a warning. */
            const replacesOnlyHostBound = (result: DiffResult) => {
                const replaced = ofOp(result, "replace");
                assert.deepEqual(replaced.filter((s) => !hostBound.includes(s.type as never)), []);
                assert.deepEqual(result.warnings.map((w) => w.urn), replaced.map((s) => s.urn));
            };

            it("adding an agent at the end creates its resources and moves no route", async () => {
                const result = await diffOf(stack({ agents: [alpha, beta] }), stack({ agents: [alpha, beta, gamma] }));
                assert.deepEqual([result.refusals, ofOp(result, "delete")], [[], []]);
                replacesOnlyHostBound(result);
                assert.ok(result.counts.create > 0);
                assert.ok(ofOp(result, "create").every((s) => s.urn.includes("gamma")), "only the new agent's resources are created");
                assert.deepEqual(routes(result).filter((s) => s.op !== "create"), []);
            });

            it("inserting an agent at the start leaves the others' routes alone", async () => {
                const result = await diffOf(stack({ agents: [beta, gamma] }), stack({ agents: [alpha, beta, gamma] }));
                assert.deepEqual(result.refusals, []);
                replacesOnlyHostBound(result);
                assert.deepEqual(routes(result).filter((s) => s.op !== "create").map((s) => s.name), []);
            });

            it("removing the first agent deletes its resources and nothing collides", async () => {
                const result = await diffOf(stack({ agents: [alpha, beta, gamma] }), stack({ agents: [beta, gamma] }));
                assert.deepEqual(kinds(result.refusals), []);
                replacesOnlyHostBound(result);
                assert.ok(ofOp(result, "delete").length > 0 && ofOp(result, "delete").every((s) => s.urn.includes("alpha")));
                assert.deepEqual(routes(result).filter((s) => s.op !== "delete").map((s) => s.name), []);
            });

            it("reordering the agents moves no route, creates nothing and deletes nothing", async () => {
                const result = await diffOf(stack({ agents: [alpha, beta, gamma] }), stack({ agents: [gamma, alpha, beta] }));
                assert.deepEqual(result.refusals, []);
                replacesOnlyHostBound(result);
                assert.deepEqual(routes(result), []);
                assert.deepEqual(result.steps.filter((s) => s.op === "create" || s.op === "delete"), []);
            });

            it("a new canary weight updates only the route's weights: nothing replaced, nothing else updated", async () => {
                const result = await diffOf(stack({ agents: [agent("alpha", canary(10)), beta] }), stack({ agents: [agent("alpha", canary(20)), beta] }));
                assert.deepEqual(result.refusals, []);
                assert.deepEqual(result.steps.map((s) => [s.op, s.type]), [["update", routing[0]]]);
                assert.deepEqual(result.steps[0].changes.map((c) => [c.before, c.after]), [[90, 80], [10, 20]]);
                assert.ok(result.steps[0].changes.every((c) => /weight$/.test(c.path)));
            });

            describe("a rollback (canary weight 0)", () => {
                // `pulumi up --target` updates only the listed URNs; every other resource gets a
                // SameStep with its old inputs and outputs (pulumi/pulumi
                // pkg/resource/deploy/step_generator.go, isTargetedForUpdate and the untargeted
                // SameStep), so the targeted rollback is exactly the routing updates listed here.
                for (const agents of [[agent("alpha", canary(10)), beta], [agent("alpha", canary(10))]]) {
                    it(`updates only the routes that --routing-urns lists, with ${agents.length} agent(s)`, async () => {
                        const rolledBack = [agent("alpha", canary(0)), ...agents.slice(1)];
                        const current = (await planFor(stack({ agents: rolledBack }))).run;
                        const result = diffPlans(await previousPlan(stack({ agents })), current);
                        assert.deepEqual([result.refusals, result.warnings], [[], []]);
                        assert.deepEqual(result.steps.map((s) => [s.op, s.urn]), routingUrns(current, "alpha").map((urn) => ["update", urn]));
                        assert.ok(result.steps.every((s) => s.changes.every((c) => /weight$/.test(c.path) && [0, 100].includes(c.after as number))), formatDiff(result));
                    });
                }

                it("from a weight that sized the canary track larger, leaves its scale-down to the follow-up full up", async () => {
                    const current = (await planFor(stack({ agents: [agent("alpha", { ...canary(0), replicas: 4, maxReplicas: 6 }), beta] }))).run;
                    const result = diffPlans(await previousPlan(stack({ agents: [agent("alpha", { ...canary(50), replicas: 4, maxReplicas: 6 }), beta] })), current);
                    const targeted = routingUrns(current, "alpha");
                    assert.deepEqual(result.steps.filter((s) => routing.includes(s.type as never)).map((s) => s.urn), targeted);
                    const rest = result.steps.filter((s) => !targeted.includes(s.urn));
                    assert.deepEqual(rest.map((s) => [s.op, s.type, s.name]), [["update", HPA, "alpha-canary-hpa"]]);
                    assert.deepEqual(ofOp(result, "replace"), []);
                });
            });

            it("switching canary to blue-green replaces nothing and refuses nothing", async () => {
                const blueGreen = { strategy: "blue-green", canary: { tag: "2.0.0", active: "green", header: { name: "x-preview", value: "blue" } } };
                const result = await diffOf(stack({ agents: [agent("alpha", canary(10)), beta] }), stack({ agents: [agent("alpha", blueGreen), beta] }));
                assert.deepEqual([result.refusals, ofOp(result, "replace"), ofOp(result, "delete")], [[], [], []]);
                assert.ok(ofOp(result, "update").some((s) => routing.includes(s.type as never)));
            });

            it("switching rolling to canary adds the canary track and re-weights the route", async () => {
                const result = await diffOf(stack({ agents: [alpha, beta] }), stack({ agents: [agent("alpha", canary(20)), beta] }));
                assert.deepEqual([result.refusals, ofOp(result, "replace"), ofOp(result, "delete")], [[], [], []]);
                assert.ok(ofOp(result, "create").some((s) => s.name === "alpha-canary"), "the canary Deployment is created");
                assert.ok(ofOp(result, "update").some((s) => routing.includes(s.type as never)));
            });
        });
    }

    describe("aws: a new agent port", () => {
        let result: DiffResult;
        before(async () => {
            result = await diffOf(awsStack({ agents: [awsAgent("alpha"), awsAgent("beta")] }), awsStack({ agents: [awsAgent("alpha", { port: 9090 }), awsAgent("beta")] }));
        });

        it("replaces the target group, forced by its port", () => {
            const group = result.steps.find((s) => s.type === TARGET_GROUP)!;
            assert.deepEqual([group.op, group.name, group.forcedBy], ["replace", "edge-alpha-stable", ["port"]]);
        });

        it("replaces the binding with it, deleting the old binding first, because its targetGroupARN cannot change", () => {
            const binding = result.steps.find((s) => s.type === BINDING)!;
            assert.deepEqual([binding.op, binding.forcedBy, binding.deleteBeforeReplace], ["replace", ["spec.targetGroupARN"], true]);
            assert.ok(binding.changes.some((c) => c.path === "spec.targetGroupARN" && c.unknown));
            assert.deepEqual(result.refusals, []);
        });

        it("updates the rule that forwards to the new target group in place, and warns of both replacements", () => {
            const rule = result.steps.find((s) => s.type === RULE)!;
            assert.deepEqual([rule.op, rule.changes.map((c) => c.path)], ["update", ["actions[0].forward.targetGroups[0].arn"]]);
            assert.deepEqual(result.warnings.map((w) => w.kind), ["traffic-replacement", "traffic-replacement"]);
        });

        it("prints +- with the forcing property and one count per operation", () => {
            const text = formatDiff(result);
            assert.match(text, /^\+- aws:lb\/targetGroup:TargetGroup edge-alpha-stable {2}\(forced by port\) {2}port: 8000 → 9090$/m);
            assert.match(text, /^~ {2}aws:lb\/listenerRule:ListenerRule edge-alpha {2}actions\[0\]\.forward\.targetGroups\[0\]\.arn: ".*" → \(known after the replacement\)$/m);
            for (const line of ["+  1 to create", "~  3 to update", "+- 2 to replace", "-  0 to delete"]) assert.ok(text.includes(line), line);
        });
    });

    describe("refusals", () => {
        const three = [awsAgent("alpha"), awsAgent("beta"), awsAgent("gamma")];

        it("catches the collision that index-based priorities cause when the first agent goes", async () => {
            // Priorities as the program assigned them by position (index * 10 + 5): the survivors
            // move down onto priorities that the departing rule and each other still hold.
            const previous = withPriorities(await previousPlan(awsStack({ agents: three })), { "edge-alpha": 5, "edge-beta": 15, "edge-gamma": 25 });
            const current = withPriorities((await planFor(awsStack({ agents: three.slice(1) }))).run, { "edge-beta": 5, "edge-gamma": 15 });
            const result = diffPlans(previous, current);
            assert.deepEqual(result.refusals.map((f) => [f.kind, f.urn.split("::").at(-1)]), [["priority-collision", "edge-beta"], ["priority-collision", "edge-gamma"]]);
            assert.match(result.refusals[0].message, /held by edge-alpha \(deleted only after every create and update\)/);
        });

        it("refuses two agents swapping their priorities, which both still hold during the update", async () => {
            const result = await diffOf(
                awsStack({ agents: [awsAgent("alpha", { priority: 2 }), awsAgent("beta", { priority: 3 })] }),
                awsStack({ agents: [awsAgent("alpha", { priority: 3 }), awsAgent("beta", { priority: 2 })] }),
            );
            assert.deepEqual(kinds(result.refusals), ["priority-collision", "priority-collision"]);
        });

        it("lets the dev-paths rule take an agent rule's old priority once that rule has moved to its slot", async () => {
            // A stack deployed before the platform reserved its slot has an agent rule there.
            const config = awsStack({ environment: "staging", agents: [awsAgent("alpha"), awsAgent("beta")] });
            const run = (await planFor(config)).run;
            const devPaths = run.resources.find((r) => r.type === RULE && r.name === "edge-dev-paths")!;
            const previous = await previousPlan(config);
            previous.resources = previous.resources.filter((r) => r.urn !== devPaths.urn);
            previous.resources.find((r) => r.type === RULE && r.name === "edge-alpha")!.inputs.priority = devPaths.inputs.priority;
            assert.deepEqual(kinds(diffPlans(previous, run).refusals), []);
            // Without waiting for the agents' rules, its claim would race the move.
            const racing: ProgramRun = JSON.parse(JSON.stringify(run));
            racing.resources.find((r) => r.urn === devPaths.urn)!.dependencies = [];
            const refusals = diffPlans(previous, racing).refusals;
            assert.deepEqual(kinds(refusals), ["priority-collision"]);
            assert.match(refusals[0].message, /held by edge-alpha \(still there or moving away in parallel\)/);
        });

        it("refuses a rule replaced create-before-delete on the priority it keeps", async () => {
            const config = awsStack({ agents: [awsAgent("alpha"), awsAgent("beta")] });
            const previous = await previousPlan(config);
            for (const r of previous.resources.filter((r) => r.type === RULE && r.name === "edge-alpha")) r.inputs.listenerArn = r.inputs.listenerArn.replace("edge-https", "old-https");
            const result = diffPlans(previous, (await planFor(config)).run);
            assert.deepEqual(result.steps.filter((s) => s.type === RULE).map((s) => [s.op, s.forcedBy]), [["replace", ["listenerArn"]]]);
            // Its old rule holds the priority on the old listener, so nothing collides there.
            assert.deepEqual(kinds(result.refusals), []);
            const same = await previousPlan(config);
            const run = (await planFor(config)).run;
            const rule = run.resources.find((r) => r.type === RULE && r.name === "edge-alpha")!;
            rule.replaceOnChanges = ["*"];
            rule.inputs.tags = { ...rule.inputs.tags, changed: "yes" };
            assert.deepEqual(kinds(diffPlans(same, run).refusals), ["priority-collision"]);
        });

        describe("a target group binding whose target group is replaced", () => {
            let previous: PlanDocument;
            let run: ProgramRun;
            const binding = () => run.resources.find((r) => r.type === BINDING && r.name === "edge-alpha-stable-binding")!;
            beforeEach(async () => {
                previous = await previousPlan(awsStack({ agents: [awsAgent("alpha")] }));
                run = (await planFor(awsStack({ agents: [awsAgent("alpha", { port: 9090 })] }))).run;
            });

            it("is refused when the binding would be updated in place (the webhook's immutable field)", () => {
                binding().replaceOnChanges = [];
                const result = diffPlans(previous, run);
                assert.deepEqual(kinds(result.refusals), ["immutable-field"]);
                assert.match(result.refusals[0].message, /spec\.targetGroupARN cannot change in place/);
            });

            it("is refused when it is replaced create-before-delete under its fixed name", () => {
                binding().deleteBeforeReplace = undefined;
                assert.deepEqual(kinds(diffPlans(previous, run).refusals), ["name-collision"]);
            });

            it("is accepted as the program declares it: replaceOnChanges and deleteBeforeReplace", () => {
                assert.deepEqual([binding().replaceOnChanges.includes("spec.targetGroupARN"), binding().deleteBeforeReplace], [true, true]);
                assert.deepEqual(diffPlans(previous, run).refusals, []);
            });
        });

        it("refuses the replacement of a protected resource", async () => {
            const previous = await previousPlan(awsStack({ protect: true }));
            previous.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!.inputs.internal = true;
            const result = diffPlans(previous, (await planFor(awsStack({ protect: true }))).run);
            assert.ok(kinds(result.refusals).includes("protected-replacement"));
            assert.ok(kinds(result.warnings).includes("traffic-replacement"));
        });

        it("refuses a previous plan of another stack, whose URNs cannot match", async () => {
            const run = (await planFor(awsStack())).run;
            assert.throws(() => diffPlans({ ...planDocument({ run }), stack: "other" }, run), /is a plan of stack other, not of test/);
        });
    });

    it("leaves alone what the program ignores (ignoreChanges), as the engine does", async () => {
        const config = gcpStack({ environment: "prod", agentSecrets: { alpha: { KEY: "k" } }, agents: [gcpAgent("alpha")] });
        const previous = await previousPlan(config);
        const secret = previous.resources.find((r) => r.type === "gcp:secretmanager/secret:Secret")!;
        secret.inputs.rotation.nextRotationTime = "2020-01-01T00:00:00.000Z";
        const result = diffPlans(previous, (await planFor(config, { secretKeys: ["agentSecrets"] })).run);
        assert.deepEqual(result.steps.map((s) => `${s.op} ${s.name}`), []);
    });

    describe("the replace table", () => {
        it("has one row per type, each with a source", () => {
            const types = REPLACE_TABLE.map((r) => r.type);
            assert.equal(new Set(types).size, types.length);
            assert.ok(REPLACE_TABLE.every((r) => r.source.length > 0 && r.forceNew.length > 0));
        });

        it("covers every AWS and GCP type the stack files create", async () => {
            const planned = new Set<string>();
            for (const stack of stackNames()) {
                const { config, secretKeys } = readStackConfig(stack);
                for (const r of (await planFor(config, { stack, secretKeys })).resources.filter((r) => r.custom && /^(aws|gcp):/.test(r.type))) planned.add(r.type);
            }
            const covered = new Set(REPLACE_TABLE.map((r) => r.type));
            assert.deepEqual([...planned].filter((t) => !covered.has(t)), []);
        });
    });

    describe("command line", () => {
        let dir: string;
        let stack: ReturnType<typeof temporaryStack>;
        before(() => {
            dir = mkdtempSync(path.join(tmpdir(), "against-"));
        });
        after(() => {
            stack?.remove();
            rmSync(dir, { recursive: true, force: true });
        });

        it("prints the changes as a tree with one count line, or as a table, and exits 1 on a refused change", async () => {
            const config = (first: number, second: number) => awsStack({ agents: [awsAgent("alpha", { priority: first }), awsAgent("beta", { priority: second })] });
            stack = temporaryStack("against", config(2, 3));
            writePlan(await plan(stack.stack), dir);
            stack = temporaryStack("against", config(3, 2));
            const args = ["--stack", stack.stack, "--out", path.join(dir, "next"), "--against", path.join(dir, "plan.json")];
            const tree = await planCli(...args);
            assert.equal(tree.code, 1, tree.stderr);
            assert.match(tree.stdout, /^ ~ {6}[├└]─ aws:lb\/listenerRule:ListenerRule +edge-alpha +update +\[diff: ~priority\]; 1 error$/m);
            assert.match(tree.stdout, /^Resources: ~ 2 to update, \d+ unchanged$/m);
            assert.match(tree.stdout, /^Diagnostics:\n {2}error: edge-alpha would take .* priority 6, held by edge-beta/m);
            const result = await planCli(...args, "--format", "table");
            assert.equal(result.code, 1, result.stderr);
            assert.match(result.stdout, /^~ {2}aws:lb\/listenerRule:ListenerRule edge-alpha {2}priority: 4 → 6$/m);
            for (const line of ["+  0 to create", "~  2 to update", "+- 0 to replace", "-  0 to delete"]) assert.ok(result.stdout.includes(line), line);
            assert.match(result.stdout, /^error: edge-alpha would take .* priority 6, held by edge-beta/m);
        });
    });
});
