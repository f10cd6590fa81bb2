// Components that became functions: a stack deployed while they were components holds their
// children under the components' URNs, and the next `pulumi up` must find every one of them
// through its alias instead of creating it anew and deleting the deployed one.
import * as assert from "node:assert/strict";
import { diffPlans, PlanDocument } from "../../../tools/engine/diff";
import { ProgramRun } from "../../../tools/mockRuntime";
import { planDocument } from "../../../tools/plan";
import { asPrevious, awsStack, gcpStack, IMAGE, planFor } from "../../fixtures";

/**
 * Where resources sat while their functions were components, as the stacks deployed then hold
 * them: the former components' type chain between the resource's parent and its own type, by
 * the resource's cloud and logical name.
 */
const FORMER: { chain: string; types: string; names: RegExp }[] = [
    { chain: "adk:aws:SecretsKey", types: "aws:", names: /^secrets-(key|alias)$/ },
    { chain: "adk:aws:AgentSecret", types: "aws:", names: /^secrets-[a-z]+-agent-(secret|value|rotation-invoke|rotation)$/ },
    { chain: "adk:aws:AgentSecret$adk:aws:IrsaRole", types: "aws:", names: /^secrets-[a-z]+-agent-(role|policy)$/ },
    { chain: "adk:aws:IrsaRole", types: "aws:", names: /^(traces|logs-shipper)-(role|policy)$/ },
    { chain: "adk:gcp:SecretsKey", types: "gcp:", names: /^secrets-(ring|key|secretmanager-agent|key-user|rotation|rotation-publisher)$/ },
    { chain: "adk:gcp:AgentSecret", types: "gcp:", names: /^secrets-[a-z]+-agent-(secret|value|reader)$/ },
    { chain: "adk:gcp:AgentSecret$adk:gcp:WorkloadIdentity", types: "gcp:", names: /^secrets-[a-z]+-agent-(gsa|workload-identity)$/ },
    { chain: "adk:gcp:WorkloadIdentity", types: "gcp:", names: /^traces-(gsa|workload-identity|cloudtrace-agent)$/ },
    { chain: "adk:aws:AccessLogBucket", types: "aws:s3/", names: /^edge-logs(|-ownership|-public-access|-encryption|-retention|-policy)$/ },
    { chain: "adk:security:NamespaceQuota", types: "kubernetes:", names: /^agents-(quota|limits)$/ },
    { chain: "adk:security:OperatorAccess", types: "kubernetes:", names: /^agents-(role|binding)$/ },
];

const FORMER_TYPES = new Set(FORMER.flatMap((f) => f.chain.split("$")));
/** Components that came with the functions, around resources that used to sit at the top of the stack. */
const NEW_GROUPS = new Set(["adk:secrets:CloudSecrets", "adk:monitoring:CloudTracingIdentity"]);

/** A former component's name: its child's name without the suffix the component gave it. */
const SUFFIX = /-(key|alias|secret|value|rotation-invoke|rotation|role|policy|ring|secretmanager-agent|key-user|rotation-publisher|reader|gsa|workload-identity|cloudtrace-agent|ownership|public-access|encryption|retention|quota|limits|binding)$/;

const prefixOf = (stack: string, parent: string | null) =>
    parent === null ? `urn:pulumi:${stack}::adk-platform::` : `${parent.slice(0, parent.lastIndexOf("::"))}$`;

/**
 * plan.json as the stack was deployed from: each moved resource under its former URN and parent,
 * with the former components' own entries. Returns the document and how many resources moved.
 */
function deployedBefore(run: ProgramRun): { previous: PlanDocument; moved: number } {
    const previous = asPrevious(run);
    const groups = new Set(previous.resources.filter((r) => NEW_GROUPS.has(r.type)).map((r) => r.urn));
    previous.resources = previous.resources.filter((r) => !groups.has(r.urn));
    const components = new Map<string, PlanDocument["resources"][number]>();
    let moved = 0;
    for (const resource of previous.resources) {
        const former = FORMER.find((f) => resource.type.startsWith(f.types) && f.names.test(resource.name));
        if (former === undefined) continue;
        moved++;
        let parent = resource.parent !== null && groups.has(resource.parent) ? null : resource.parent;
        for (const type of former.chain.split("$")) {
            const name = resource.name === "edge-logs" ? resource.name : resource.name.replace(SUFFIX, "");
            const urn = `${prefixOf(run.stack, parent)}${type}::${name}`;
            if (!components.has(urn)) components.set(urn, { urn, type, name, parent, custom: false, inputs: {} });
            parent = urn;
        }
        resource.urn = `${prefixOf(run.stack, parent)}${resource.type}::${resource.name}`;
        resource.parent = parent;
    }
    delete previous.aliases;
    previous.resources.push(...components.values());
    return { previous, moved };
}

const AGENTS = [{ name: "research-agent", image: IMAGE }, { name: "support-agent", image: IMAGE }];
const EVERYTHING = {
    environment: "prod",
    agents: AGENTS,
    agentSecrets: { "research-agent": { API_KEY: "k" }, "support-agent": { API_KEY: "v" } },
    monitoring: { tracing: { backend: "cloud" }, logging: { ship: true } },
};

describe("components turned into functions keep their deployed resources (aliases)", () => {
    for (const [cloud, stack, least] of [["aws", awsStack, 26], ["gcp", gcpStack, 22]] as const) {
        describe(cloud, () => {
            let run: ProgramRun;
            before(async () => {
                run = (await planFor(stack(EVERYTHING), { secretKeys: ["agentSecrets"] })).run;
            });

            it("updates and replaces nothing, creates only the new groups, deletes only the former components", () => {
                const { previous, moved } = deployedBefore(run);
                assert.ok(moved >= least, `only ${moved} resources moved`);
                const diff = diffPlans(previous, run);
                assert.deepEqual(diff.steps.filter((s) => s.op !== "delete" && !(s.op === "create" && NEW_GROUPS.has(s.type))).map((s) => `${s.op} ${s.name}`), []);
                const deleted = diff.steps.filter((s) => s.op === "delete");
                assert.ok(deleted.length > 0);
                assert.deepEqual(deleted.filter((s) => !FORMER_TYPES.has(s.type)).map((s) => s.urn), []);
                assert.deepEqual(diff.refusals, []);
            });

            it("would create every moved resource anew and delete the deployed one without its aliases", () => {
                const { previous, moved } = deployedBefore(run);
                const bare = { ...run, resources: run.resources.map((r) => ({ ...r, aliases: r.aliases.filter((a) => !previous.resources.some((p) => p.urn === a)) })) };
                const diff = diffPlans(previous, bare);
                assert.equal(diff.steps.filter((s) => s.op === "create" && !NEW_GROUPS.has(s.type)).length, moved);
                assert.equal(diff.steps.filter((s) => s.op === "delete" && !FORMER_TYPES.has(s.type)).length, moved);
            });

            it("records the aliases in plan.json beside the resources, only for those that have any", () => {
                const document = planDocument({ run });
                const key = document.resources.find((r) => r.name === "secrets-key")!;
                assert.deepEqual(Object.keys(key), ["urn", "type", "name", "parent", "custom", "inputs"]);
                assert.ok(document.aliases![key.urn].some((a) => a.endsWith(`::adk:${cloud}:SecretsKey$${key.type}::secrets-key`)), String(document.aliases![key.urn]));
                const namespace = document.resources.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
                assert.equal(document.aliases![namespace.urn], undefined);
            });
        });
    }
});
