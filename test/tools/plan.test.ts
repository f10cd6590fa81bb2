import * as assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { PlanResult, summary, writePlan } from "../../tools/plan";
import { MODELS, validateManifests } from "../../tools/manifests";
import { CRD_SCHEMAS } from "../../tools/crdSchemas";
import { ROOT, stackNames } from "../../tools/stackConfig";
import { planCli, stackPlan, temporaryStack } from "../fixtures";

const STACKS = stackNames();

describe("offline plan (npm run plan)", () => {
    let dev: PlanResult;
    let out: string;

    before(async () => {
        dev = await stackPlan("dev");
        out = mkdtempSync(path.join(tmpdir(), "adk-plan-"));
        writePlan(dev, out);
    });
    after(() => rmSync(out, { recursive: true, force: true }));

    it("finds the dev and prod stack files", () => {
        assert.ok(STACKS.includes("dev") && STACKS.includes("prod"), STACKS.join(", "));
    });

    describe("every stack file plans cleanly", () => {
        for (const stack of STACKS) {
            it(stack, async () => {
                const result = await stackPlan(stack);
                assert.deepEqual(result.errors, []);
                assert.ok(result.manifests.length > 5);
                // Every cloud and cluster object sits in a component and goes through an explicit
                // provider, never the ambient default one.
                const loose = result.run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:") && (r.parent === null || r.provider === null));
                assert.deepEqual(loose.map((r) => `${r.type} ${r.name}`), []);
            });
        }
    });

    it("protects the stateful resources in prod, and nothing in dev", async () => {
        assert.deepEqual(dev.run.resources.filter((r) => r.protect).map((r) => r.type), []);
        for (const stack of ["prod", "gcp-prod"]) {
            const protectedTypes = new Set((await stackPlan(stack)).run.resources.filter((r) => r.protect).map((r) => r.type));
            const stateful = stack === "prod"
                ? ["aws:kms/key:Key", "aws:secretsmanager/secret:Secret", "aws:s3/bucket:Bucket", "aws:cloudwatch/logGroup:LogGroup", "aws:lb/loadBalancer:LoadBalancer"]
                : ["gcp:kms/cryptoKey:CryptoKey", "gcp:secretmanager/secret:Secret", "gcp:logging/projectBucketConfig:ProjectBucketConfig", "gcp:compute/globalAddress:GlobalAddress"];
            for (const type of stateful) assert.ok(protectedTypes.has(type), `${stack}: ${type} is not protected`);
        }
    });

    it("writes plan.json in the contract's shape, resources in registration order", () => {
        const doc = JSON.parse(readFileSync(path.join(out, "plan.json"), "utf8"));
        assert.equal(doc.project, "adk-platform");
        assert.equal(doc.stack, "dev");
        assert.ok(doc.resources.length > 10);
        const seen = new Set<string>();
        for (const r of doc.resources) {
            assert.deepEqual(Object.keys(r), ["urn", "type", "name", "parent", "custom", "inputs"]);
            assert.ok(r.urn.startsWith("urn:pulumi:dev::adk-platform::"), r.urn);
            assert.ok(r.parent === null || seen.has(r.parent), `${r.name}'s parent is registered before it`);
            seen.add(r.urn);
        }
        const component = doc.resources.find((r: { type: string }) => r.type === "adk:k8s:AgentWorkload");
        assert.equal(component.custom, false);
        assert.equal(typeof doc.outputs, "object");
    });

    it("writes every Kubernetes object as a manifest, auto-names filled in", () => {
        const docs = parseAllDocuments(readFileSync(path.join(out, "manifests.yaml"), "utf8")).map((d) => d.toJS());
        assert.equal(docs.length, dev.manifests.length);
        for (const m of docs) {
            assert.equal(typeof m.apiVersion, "string");
            assert.equal(typeof m.kind, "string");
            assert.equal(typeof m.metadata.name, "string", `${m.kind} has a name`);
        }
        assert.ok(docs.some((m) => m.kind === "Deployment" && m.metadata.labels.track === "canary"));
    });

    it("never writes a secret, nor the stack file's ciphertext, in clear", () => {
        const stackFile = readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8");
        const ciphertexts = [...stackFile.matchAll(/secure:\s*(\S+)/g)].map((m) => m[1]);
        assert.ok(ciphertexts.length > 0, "the dev stack has a secret to protect");
        for (const file of readdirSync(out)) {
            const text = readFileSync(path.join(out, file), "utf8");
            for (const c of ciphertexts) assert.ok(!text.includes(c), `${file} contains ciphertext`);
        }
        const manifests = readFileSync(path.join(out, "manifests.yaml"), "utf8");
        assert.match(manifests, /GOOGLE_API_KEY: "\[secret\]"/);
    });

    it("summarises what it would create, by type", () => {
        const text = summary(dev);
        assert.match(text, new RegExp(`^Stack dev: ${dev.run.resources.length} resources to create`));
        // The agent's stable and canary tracks, and the OpenTelemetry Collector.
        assert.match(text, /\+ kubernetes:apps\/v1:Deployment\s+3/);
    });

    it("warns of every agent served without authentication, and of none in an authenticated stack", async () => {
        assert.match(summary(dev), /^warning: agent research-agent is served without authentication: anyone who reaches the load balancer can run it/m);
        const prod = await stackPlan("prod");
        assert.deepEqual(prod.warnings, []);
        assert.doesNotMatch(summary(prod), /^warning:/m);
    });

    it("keeps the stack files' authentication client secrets out of every file, in clear or as ciphertext", async () => {
        for (const stack of ["staging", "prod", "gcp-prod"]) {
            const stackFile = readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8");
            const [, ciphertext] = /(?:clientSecret|oauthClientSecret):\s*secure:\s*(\S+)/.exec(stackFile.replace(/\n\s*/g, " "))!;
            const dir = mkdtempSync(path.join(tmpdir(), `adk-plan-${stack}-`));
            try {
                writePlan(await stackPlan(stack), dir);
                for (const file of readdirSync(dir)) assert.ok(!readFileSync(path.join(dir, file), "utf8").includes(ciphertext), `${stack}: ${file} contains the client secret's ciphertext`);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        }
    });

    describe("schema validation", () => {
        it("accepts the planned objects", async () => {
            const report = await validateManifests(dev.manifests);
            assert.deepEqual(report.errors, []);
        });

        it("rejects a Deployment that the API server would reject", async () => {
            const deployment = structuredClone(dev.manifests.find((m) => m.kind === "Deployment" && m.metadata.name === "research-agent")!);
            (deployment.spec as any).template.spec.containers[0].resources.limits.cpu = "500mm";
            delete (deployment.spec as any).selector;
            const report = await validateManifests([deployment]);
            assert.equal(report.errors.length, 1);
            assert.match(report.errors[0], /^Deployment adk-agents\/research-agent: /);
            assert.match(report.errors[0], /cpu/);
            assert.match(report.errors[0], /selector/);
        });

        it("checks TargetGroupBindings against the controller's API, which no model package ships", async () => {
            const binding = dev.manifests.find((m) => m.kind === "TargetGroupBinding")!;
            assert.deepEqual(await validateManifests([binding]), { errors: [], validated: 1, unvalidated: [] });
            const broken = structuredClone(binding) as any;
            broken.spec.targetType = "pod";
            delete broken.spec.serviceRef.port;
            broken.spec.targetGroupArn = broken.spec.targetGroupARN;
            const report = await validateManifests([broken]);
            assert.equal(report.errors.length, 1);
            for (const field of ["targetType", "serviceRef.port", "targetGroupArn"]) assert.ok(report.errors[0].includes(field), `${field}: ${report.errors[0]}`);
        });

        it("finds the schema of every kind a stack plans in its table, which the launcher's bundle carries", async () => {
            for (const stack of STACKS) {
                const kinds = new Set((await stackPlan(stack)).manifests.map((m) => `${m.apiVersion}/${m.kind}`));
                assert.deepEqual([...kinds].filter((kind) => !(kind in MODELS) && !(kind in CRD_SCHEMAS)), [], stack);
            }
        });

        it("reports kinds it has no schema for instead of passing them silently", async () => {
            const report = await validateManifests([{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }]);
            assert.deepEqual(report, { errors: [], validated: 0, unvalidated: ["example.com/v1/Widget"] });
        });
    });

    describe("command line", function () {
        this.timeout(120_000);
        let bad: ReturnType<typeof temporaryStack>;
        before(() => {
            bad = temporaryStack("invalid", {
                "aws:region": "eu-west-1",
                cloud: "aws",
                environment: "prod",
                agents: [{ name: "research-agent", image: "ghcr.io/acme/research:latest", canary: { tag: "2.0.0", weight: 120 } }],
            });
        });
        after(() => bad.remove());

        it("writes the three views of a stack and the picture, and prints the resource tree", async () => {
            const dir = mkdtempSync(path.join(tmpdir(), "adk-plan-cli-"));
            try {
                const result = await planCli("--stack", "dev", "--out", dir, "--graph");
                assert.equal(result.code, 0, result.stderr);
                assert.match(result.stdout, /^ \+ {3}pulumi:pulumi:Stack +adk-platform-dev +create$/m);
                assert.match(result.stdout, /^ \+ {3}│ {2}[├└]─ kubernetes:apps\/v1:Deployment +research-agent-canary +create$/m);
                assert.match(result.stdout, new RegExp(`^Resources: \\+ ${dev.run.resources.length} to create$`, "m"));
                for (const file of ["plan.json", "manifests.yaml", "stack.svg"]) assert.ok(existsSync(path.join(dir, file)), file);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });

        it("on bad configuration exits non-zero, names each key, and writes nothing", async () => {
            const dir = path.join(tmpdir(), `adk-plan-bad-${process.pid}`);
            const result = await planCli("--stack", bad.stack, "--out", dir);
            assert.equal(result.code, 1);
            const lines = result.stderr.trim().split("\n");
            assert.ok(lines.every((l) => /^(adk-platform|aws|gcp):\S+: /.test(l)), `every line on stderr names a key:\n${result.stderr}`);
            assert.ok(lines.includes("adk-platform:agents[0].canary.weight: must be between 0 and 100, got 120"), result.stderr);
            assert.ok(lines.includes(`adk-platform:agents[0].image: must not use the moving "latest" tag: pin a version or a digest, got "ghcr.io/acme/research:latest"`), result.stderr);
            assert.equal(existsSync(dir), false);
        });

        it("requires a stack name", async () => {
            const result = await planCli();
            assert.equal(result.code, 2);
            assert.match(result.stderr, /usage: npm run plan -- --stack <name>/);
        });

        it("--routing-urns prints only the URNs a canary rollback targets, and fails for an agent without a canary route", async () => {
            const listed = await planCli("--stack", "prod", "--routing-urns", "research-agent");
            assert.equal(listed.code, 0, listed.stderr);
            assert.equal(listed.stdout, "urn:pulumi:prod::adk-platform::adk:aws:AlbCanary$aws:lb/listenerRule:ListenerRule::edge-research-agent\n");
            const none = await planCli("--stack", "prod", "--routing-urns", "support-agent");
            assert.deepEqual([none.code, none.stdout, none.stderr.trim()], [1, "", 'stack prod routes no canary traffic to an agent named "support-agent"']);
        });
    });
});
