import * as assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DiffResult, diffPlans, PlanDocument, ResourceStep } from "../../tools/engine/diff";
import { planDocument } from "../../tools/plan";
import { GraphvizMissing, renderSvg, stackGraph } from "../../tools/render/graph";
import { renderFailureMarkdown, renderMarkdown } from "../../tools/render/markdown";
import { renderTree, TreeResource } from "../../tools/render/tree";
import { ROOT } from "../../tools/stackConfig";
import { awsAgent, awsStack, gcpStack, planCli, planFor, previousPlan, stackPlan } from "../fixtures";
import { ProgramRun } from "../../tools/mockRuntime";

const STACK = "urn:pulumi:dev::adk-platform::";
const resource = (type: string, name: string, parent: TreeResource | null = null): TreeResource =>
    ({ urn: `${parent === null ? STACK : `${parent.urn}$`}${type}::${name}`, type, name, parent: parent?.urn ?? null });
const step = (r: TreeResource, op: ResourceStep["op"], fields: Partial<ResourceStep> = {}): ResourceStep =>
    ({ op, urn: r.urn, type: r.type, name: r.name, changes: [], forcedBy: [], deleteBeforeReplace: false, ...fields });

function diffOf(steps: ResourceStep[], unchanged: number, findings: Partial<Pick<DiffResult, "refusals" | "warnings">> = {}): DiffResult {
    const counts = { create: 0, update: 0, replace: 0, delete: 0 };
    for (const s of steps) counts[s.op]++;
    return { steps, refusals: [], warnings: [], counts, unchanged, ...findings };
}

// A component with two children, a provider at the top, and a component with one child.
const workload = resource("adk:k8s:AgentWorkload", "alpha");
const deployment = resource("kubernetes:apps/v1:Deployment", "alpha-stable", workload);
const service = resource("kubernetes:core/v1:Service", "alpha-stable-svc", workload);
const provider = resource("pulumi:providers:kubernetes", "cluster");
const edge = resource("adk:aws:AlbCanary", "edge");
const rule = resource("aws:lb/listenerRule:ListenerRule", "edge-alpha", edge);
const RESOURCES = [provider, workload, deployment, service, edge, rule];

describe("rendering a plan", () => {
    describe("the preview tree", () => {
        it("indents children under their component, under the stack, every row a creation without --against", () => {
            const lines = renderTree({ project: "adk-platform", stack: "dev", resources: RESOURCES }).split("\n");
            assert.deepEqual(lines.slice(0, 8).map((l) => l.replace(/ +/g, " ").trimEnd()), [
                " Type Name Plan",
                " + pulumi:pulumi:Stack adk-platform-dev create",
                " + ├─ pulumi:providers:kubernetes cluster create",
                " + ├─ adk:k8s:AgentWorkload alpha create",
                " + │ ├─ kubernetes:apps/v1:Deployment alpha-stable create",
                " + │ └─ kubernetes:core/v1:Service alpha-stable-svc create",
                " + └─ adk:aws:AlbCanary edge create",
                " + └─ aws:lb/listenerRule:ListenerRule edge-alpha create",
            ]);
            // Columns line up: every Name starts where the header's does.
            const at = lines[0].indexOf("Name");
            assert.ok(lines.slice(1, 8).every((l) => l[at - 1] === " " && l[at] !== " "), lines.join("\n"));
            assert.equal(lines.at(-1), "Resources: + 6 to create");
        });

        it("with a diff: markers and operations, unchanged rows only above a change, the diff and findings in Info, one count line", () => {
            const removed = resource("kubernetes:core/v1:ConfigMap", "alpha-config", workload);
            const diff = diffOf([
                step(deployment, "update", { changes: [{ path: "spec.replicas", before: 2, after: 3, unknown: false }, { path: "metadata.annotations", before: undefined, after: { a: "b" }, unknown: false }] }),
                step(rule, "replace", { forcedBy: ["listenerArn"], changes: [{ path: "listenerArn", before: "a", after: "b", unknown: false }] }),
                step(removed, "delete"),
            ], 3, { warnings: [{ kind: "traffic-replacement", urn: rule.urn, message: "edge-alpha serves traffic and is replaced (forced by listenerArn)" }] });
            const text = renderTree({ project: "adk-platform", stack: "dev", resources: [...RESOURCES, removed], diff });
            const rows = text.split("\n").map((l) => l.replace(/ +/g, " ").trimEnd());
            assert.deepEqual(rows.slice(0, 7), [
                " Type Name Plan Info",
                " pulumi:pulumi:Stack adk-platform-dev",
                " ├─ adk:k8s:AgentWorkload alpha",
                " ~ │ ├─ kubernetes:apps/v1:Deployment alpha-stable update [diff: +metadata~spec]",
                " - │ └─ kubernetes:core/v1:ConfigMap alpha-config delete",
                " └─ adk:aws:AlbCanary edge",
                " +- └─ aws:lb/listenerRule:ListenerRule edge-alpha replace [diff: ~listenerArn]; 1 warning",
            ]);
            assert.ok(!text.includes("pulumi:providers:kubernetes"), "an unchanged resource without changed children is left out");
            assert.match(text, /^Diagnostics:\n {2}warning: edge-alpha serves traffic and is replaced/m);
            assert.equal(rows.at(-1), "Resources: ~ 1 to update, +- 1 to replace, - 1 to delete, 3 unchanged");
        });
    });

    describe("markdown", () => {
        const secretValue = resource("aws:secretsmanager/secretVersion:SecretVersion", "alpha-value", workload);
        const parents = new Map([...RESOURCES, secretValue].map((r) => [r.urn, r.parent]));
        const render = (diff: DiffResult) => renderMarkdown({ stack: "dev", diff, types: [], notes: [], parents });

        it("lists counts first, then each changed resource: creation, update old → new, replacement forced by, deletion", () => {
            const text = render(diffOf([
                step(workload, "create"), step(deployment, "create"), step(service, "create"),
                step(rule, "replace", { forcedBy: ["listenerArn"], deleteBeforeReplace: true, changes: [{ path: "listenerArn", before: "arn:old", after: "(known after the replacement)", unknown: true }] }),
                step(provider, "update", { changes: [{ path: "kubeconfig", before: "a", after: "b", unknown: false }, { path: "namespace", before: undefined, after: "x", unknown: false }] }),
                step(edge, "delete"),
            ], 0));
            const lines = text.split("\n");
            assert.equal(lines[0], "### Stack `dev`");
            assert.equal(lines[2], "`+` 3 to create · `~` 1 to update · `+-` 1 to replace · `-` 1 to delete · 0 unchanged");
            assert.ok(text.indexOf("<details>") > text.indexOf("to create"), "the counts come before the collapsed detail");
            // The riskiest first: replacements, deletions, updates, creations.
            const entries = lines.filter((l) => l.startsWith("- "));
            assert.deepEqual(entries, [
                "- `+-` **replace** `aws:lb/listenerRule:ListenerRule` `edge-alpha`, forced by `listenerArn` (deleted before its replacement is created)",
                "- `-` **delete** `adk:aws:AlbCanary` `edge`",
                "- `~` **update** `pulumi:providers:kubernetes` `cluster`",
                "- `+` **create** `adk:k8s:AgentWorkload` `alpha`",
            ]);
            assert.ok(lines.includes("  - `listenerArn`: `\"arn:old\"` → _(known after the replacement)_"), text);
            assert.ok(lines.includes("  - `kubeconfig`: `\"a\"` → `\"b\"`"), text);
            assert.ok(lines.includes("  - `namespace`: _(absent)_ → `\"x\"`"), text);
            // A component created with its children reads as one entry.
            assert.ok(lines.includes("  - with 2 resource(s) inside: `Deployment alpha-stable`, `Service alpha-stable-svc`"), text);
        });

        it("puts refusals and warnings above the changes", () => {
            const text = render(diffOf([step(rule, "update", { changes: [{ path: "priority", before: 1, after: 2, unknown: false }] })], 5, {
                refusals: [{ kind: "priority-collision", urn: rule.urn, message: "edge-alpha would take priority 2: ALB answers PriorityInUse" }],
                warnings: [{ kind: "traffic-replacement", urn: rule.urn, message: "something serves traffic" }],
            }));
            const refused = text.indexOf(":x: **1 refused change(s)**");
            assert.ok(refused > 0 && refused < text.indexOf(":warning:") && text.indexOf(":warning:") < text.indexOf("<details>"), text);
            assert.match(text, /^- edge-alpha would take priority 2: ALB answers PriorityInUse$/m);
        });

        it("shows secrets as [secret], never a value", () => {
            const text = render(diffOf([step(secretValue, "update", { changes: [
                { path: "secretString", before: "[secret]", after: "[secret]", unknown: false },
                { path: "versionStages[0]", before: "AWSPREVIOUS", after: "AWSCURRENT", unknown: false },
            ] })], 0));
            assert.ok(text.includes("  - `secretString`: `[secret]` → `[secret]`"), text);
            assert.ok(!text.includes('"[secret]"'), "a secret is not shown as a JSON string");
        });

        it("keeps backticks inside values readable, and cuts long values", () => {
            const text = render(diffOf([step(deployment, "update", { changes: [{ path: "doc", before: "a `b`", after: "x".repeat(500), unknown: false }] })], 0));
            assert.ok(text.includes("``\"a `b`\"``"), text);
            assert.match(text, /`"x{159}…`/);
        });

        it("reports a stack whose plan fails with its problems, and a stack without a previous plan by type", () => {
            const failed = renderFailureMarkdown("prod", "Invalid configuration", ["adk-platform:agents[0].canary.weight: must be between 0 and 100, got 120"]);
            assert.match(failed, /^:x: \*\*Invalid configuration\*\*: the plan fails/m);
            assert.match(failed, /^- `adk-platform:agents\[0\]\.canary\.weight: must be between 0 and 100, got 120`$/m);
            const fresh = renderMarkdown({ stack: "dev", types: ["a:b:C", "a:b:C", "a:b:D"], notes: ["[advisory] x: y"], parents });
            assert.match(fresh, /\*\*`\+` 3 to create\*\* \(no previous plan to compare with\)/);
            assert.match(fresh, /^\| `a:b:C` \| 2 \|$/m);
            assert.match(fresh, /^- \[advisory\] x: y$/m);
        });
    });

    describe("a pull request that moves a canary weight, adds an agent and removes one (AWS)", () => {
        let previous: PlanDocument;
        let head: ProgramRun;
        let diff: DiffResult;
        let parents: Map<string, string | null>;
        before(async () => {
            previous = await previousPlan(awsStack({ agents: [awsAgent("alpha", { canary: { tag: "2.0.0", weight: 10 } }), awsAgent("beta")] }));
            head = (await planFor(awsStack({ agents: [awsAgent("alpha", { canary: { tag: "2.0.0", weight: 20 } }), awsAgent("gamma")] }))).run;
            diff = diffPlans(previous, head);
            parents = new Map([...previous.resources, ...head.resources].map((r) => [r.urn, r.parent]));
        });

        it("renders the weight change, the new agent and the removed one in markdown", () => {
            const text = renderMarkdown({ stack: head.stack, diff, types: [], notes: [], parents });
            assert.deepEqual(diff.refusals, []);
            assert.ok(text.includes(`\`+\` ${diff.counts.create} to create · \`~\` ${diff.counts.update} to update · \`-\` ${diff.counts.delete} to delete · ${diff.unchanged} unchanged`), text);
            const lines = text.split("\n");
            const at = (line: string) => {
                const i = lines.indexOf(line);
                assert.ok(i >= 0, `${line}\n---\n${text}`);
                return i;
            };
            const rule = at("- `~` **update** `aws:lb/listenerRule:ListenerRule` `edge-alpha`");
            assert.deepEqual(lines.slice(rule + 1, rule + 3), [
                "  - `actions[0].forward.targetGroups[0].weight`: `90` → `80`",
                "  - `actions[0].forward.targetGroups[1].weight`: `10` → `20`",
            ]);
            const created = at("- `+` **create** `adk:k8s:AgentWorkload` `gamma`");
            assert.match(lines[created + 1], /^ {2}- with \d+ resource\(s\) inside: .*`Deployment gamma-stable`/);
            const deleted = at("- `-` **delete** `adk:k8s:AgentWorkload` `beta`");
            assert.match(lines[deleted + 1], /`Deployment beta-stable`/);
            assert.ok(deleted < rule && rule < created, "deletions, then updates, then creations");
            assert.ok(!lines.some((l) => / `(alpha|beta|gamma)-[^`]*`$/.test(l) && l.startsWith("- `+` **create** `kubernetes:apps")), "the new agent's Deployments are folded into its component");
        });

        it("renders the same change as a tree, deleted rows under their old component", () => {
            const current = new Set(head.resources.map((r) => r.urn));
            const text = renderTree({ project: "adk-platform", stack: head.stack, resources: [...head.resources, ...previous.resources.filter((r) => !current.has(r.urn))], diff });
            assert.match(text, /^ \+ {3}├─ adk:k8s:AgentWorkload +gamma +create$/m);
            assert.match(text, /^ \+ {3}│ {2}[├└]─ kubernetes:apps\/v1:Deployment +gamma-stable +create$/m);
            assert.match(text, /^ ~ {3}│ {2}[├└]─ aws:lb\/listenerRule:ListenerRule +edge-alpha +update +\[diff: ~actions\]$/m);
            assert.match(text, /^ - {3}[├└]─ adk:k8s:AgentWorkload +beta +delete$/m);
            assert.match(text, /^ - {6}[├└]─ kubernetes:apps\/v1:Deployment +beta-stable +delete$/m);
            assert.match(text, new RegExp(`^Resources: \\+ ${diff.counts.create} to create, ~ ${diff.counts.update} to update, - ${diff.counts.delete} to delete, ${diff.unchanged} unchanged$`, "m"));
        });

        it("draws the traffic path with the new weights, and colours what changes", () => {
            const ops = new Map(diff.steps.map((s) => [s.urn, s.op]));
            const dot = stackGraph({ project: "adk-platform", stack: head.stack, resources: head.resources, ops });
            const node = (label: string) => {
                const match = dot.match(new RegExp(`^ +(n\\d+) \\[label="${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"(.*)\\];$`, "m"));
                assert.ok(match, `no node ${label}:\n${dot}`);
                return { id: match[1], attributes: match[2] };
            };
            const ruleNode = node("rule edge-alpha\\nalpha.agents.example.com");
            assert.match(ruleNode.attributes, /fillcolor="#fff2b3"/, "the updated rule is coloured as an update");
            for (const [track, weight] of [["stable", 80], ["canary", 20]] as const) {
                const group = node(`TargetGroup\\nedge-alpha-${track}`);
                assert.ok(dot.includes(`${ruleNode.id} -> ${group.id} [label="weight ${weight} (${weight}%)"];`), `${track} weight ${weight}:\n${dot}`);
                const service = node(`Service\\n${track === "stable" ? "alpha" : "alpha-canary"}`);
                const deployment = node(`Deployment\\n${track === "stable" ? "alpha" : "alpha-canary"}`);
                assert.ok(dot.includes(`${service.id} -> ${deployment.id};`), `${track}: Service to Deployment`);
            }
            assert.match(node("Deployment\\ngamma").attributes, /fillcolor="#d4f7d4"/, "the new agent is coloured as a creation");
            assert.ok(!dot.includes("beta"), "the removed agent is not drawn");
            assert.match(dot, /subgraph "cluster_security"/);
            assert.match(dot, /subgraph "cluster_monitoring and logging"/);
            const svg = renderSvg(dot);
            assert.match(svg, /^<\?xml[\s\S]*<svg[\s\S]*weight 80 \(80%\)[\s\S]*<\/svg>\s*$/);
        });
    });

    it("draws a GCP stack's Gateway, HTTPRoutes with the tracks' weights, Services and Deployments", async () => {
        const run = (await planFor(gcpStack({ agents: [{ name: "alpha", image: "europe-west1-docker.pkg.dev/adk-prod-123/agents/alpha:1.4.2", canary: { tag: "2.0.0", weight: 30 } }] }))).run;
        const dot = stackGraph({ project: "adk-platform", stack: run.stack, resources: run.resources });
        const id = (label: string) => dot.match(new RegExp(`^ +(n\\d+) \\[label="${label}"`, "m"))?.[1];
        const [address, gateway, route] = [id("GlobalAddress\\\\nedge-ip"), id("Gateway\\\\nedge"), id("HTTPRoute alpha\\\\n[^\"]+")];
        assert.ok(address && gateway && route, dot);
        assert.ok(dot.includes(`${address} -> ${gateway};`) && dot.includes(`${gateway} -> ${route} [label="https"];`), dot);
        assert.ok(dot.includes(`${route} -> ${id("Service\\\\nalpha")} [label="weight 70 (70%)"];`), dot);
        assert.ok(dot.includes(`${route} -> ${id("Service\\\\nalpha-canary")} [label="weight 30 (30%)"];`), dot);
        assert.match(renderSvg(dot), /<svg/);
    });

    it("says how to install graphviz when dot is missing", () => {
        const saved = process.env.PATH;
        process.env.PATH = path.join(tmpdir(), "no-graphviz-here");
        try {
            assert.throws(() => renderSvg("digraph {}"), (err: unknown) => err instanceof GraphvizMissing && /install graphviz/.test(err.message));
        } finally {
            process.env.PATH = saved;
        }
    });

    describe("command line", function () {
        this.timeout(120_000);
        let dir: string;
        before(() => {
            dir = mkdtempSync(path.join(tmpdir(), "adk-render-cli-"));
        });
        after(() => rmSync(dir, { recursive: true, force: true }));

        it("--against with --format markdown prints only markdown, refusals first, and exits 1 on a refusal", async () => {
            // The deployed load balancer was internal: the program's public one replaces it, and prod protects it.
            const previous = planDocument(await stackPlan("prod"));
            previous.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!.inputs.internal = true;
            writeFileSync(path.join(dir, "previous.json"), JSON.stringify(previous));
            const result = await planCli("--stack", "prod", "--out", path.join(dir, "head"), "--against", path.join(dir, "previous.json"), "--format", "markdown", "--graph");
            assert.equal(result.code, 1, result.stderr);
            assert.match(result.stdout, /^### Stack `prod`\n\n[^\n]*`\+-` \d+ to replace/);
            assert.match(result.stdout, /^:x: \*\*1 refused change\(s\)\*\*[^\n]*\n\n- edge is protected and would be replaced \(forced by internal\)/m);
            assert.ok(result.stdout.indexOf(":x:") < result.stdout.indexOf("<details>"), "refusals above the changes");
            assert.match(result.stdout, /^ {2}- `internal`: `true` → `false`$/m);
            assert.ok(!result.stdout.includes("Wrote"), "the file list goes to standard error");
            assert.match(result.stderr, /Wrote .*stack\.svg/);
            assert.ok(existsSync(path.join(dir, "head", "stack.svg")));
            const stackFile = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
            for (const [, ciphertext] of stackFile.matchAll(/secure:\s*(\S+)/g)) assert.ok(!result.stdout.includes(ciphertext), "no ciphertext in the comment");
        });

        it("refuses an unknown format with the usage", async () => {
            const result = await planCli("--stack", "dev", "--format", "html");
            assert.equal(result.code, 2);
            assert.match(result.stderr, /--format tree\|table\|markdown/);
        });
    });
});
