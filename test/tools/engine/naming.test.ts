import * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { readStackConfig } from "../../../tools/stackConfig";
import { fitName, nameSafe } from "../../../components/naming/names";
import { formatViolation, nameDrivers, physicalName, ruleProblems } from "../../../tools/engine/naming";
import { NAMING, NO_PHYSICAL_NAME } from "../../../components/naming/table";
import { AWS_LOAD_BALANCER, awsStack, FEDERATION, GCP_IMAGE, gcpStack, IMAGE, planCli, SMALL_RESOURCES, temporaryStack } from "../../fixtures";
import { namingProblems, ProgramRun, RecordedResource, runProgram, unwrap } from "../../../tools/mockRuntime";
import { TARGET_GROUP } from "../../../tools/resourceTypes";

const rule = (type: string) => NAMING.get(type)!.rule;
const accepts = (type: string, name: string) => ruleProblems(rule(type), name).length === 0;

describe("physical names (tools/engine/naming.ts)", () => {
    describe("the rules", () => {
        it("target groups: at most 32 letters, digits and hyphens, not starting or ending with a hyphen", () => {
            assert.ok(accepts(TARGET_GROUP, "a".repeat(32)));
            assert.deepEqual(ruleProblems(rule(TARGET_GROUP), "a".repeat(33)), ["is 33 characters, more than 32"]);
            for (const bad of ["edge_research", "edge.tg", "-edge", "edge-", ""]) assert.ok(!accepts(TARGET_GROUP, bad), bad);
        });

        it("load balancers: also not starting with internal-", () => {
            assert.ok(accepts("aws:lb/loadBalancer:LoadBalancer", "edge-0a1b2c3"));
            assert.ok(!accepts("aws:lb/loadBalancer:LoadBalancer", "internal-edge"));
        });

        it("Google Cloud resources: [a-z]([-a-z0-9]{0,61}[a-z0-9])?", () => {
            const address = "gcp:compute/globalAddress:GlobalAddress";
            assert.ok(accepts(address, "edge-ip-0a1b2c3"));
            assert.ok(accepts(address, `a${"b".repeat(62)}`));
            for (const bad of ["Edge-ip", "1edge", "edge-", "edge_ip", `a${"b".repeat(63)}`]) assert.ok(!accepts(address, bad), bad);
        });

        it("service account ids: 6 to 30 characters", () => {
            const account = "gcp:serviceaccount/account:Account";
            assert.ok(!accepts(account, "adk-t"));
            assert.ok(accepts(account, "adk-tr"));
            assert.ok(accepts(account, `adk-${"x".repeat(26)}`));
            assert.ok(!accepts(account, `adk-${"x".repeat(27)}`));
            assert.ok(!accepts(account, "adk-traces-"));
        });

        it("Kubernetes: Services are DNS-1035 labels, namespaces DNS-1123 labels, most kinds subdomains", () => {
            assert.ok(!accepts("kubernetes:core/v1:Service", "1-agent"));
            assert.ok(accepts("kubernetes:core/v1:ServiceAccount", "1-agent"));
            assert.ok(!accepts("kubernetes:core/v1:Service", "a".repeat(64)));
            assert.ok(!accepts("kubernetes:core/v1:Namespace", "a".repeat(64)));
            assert.ok(accepts("kubernetes:core/v1:ConfigMap", `${"a".repeat(63)}.${"b".repeat(63)}`));
        });

        it("every row has a rule with a source, and no type is both named and unnamed", () => {
            for (const row of NAMING.values()) {
                assert.ok(row.rule.source.length > 0, row.type);
                assert.ok(!NO_PHYSICAL_NAME.has(row.type), row.type);
                assert.ok(row.autoName === undefined || row.autoName.source.length > 0, row.type);
            }
        });
    });

    describe("how the providers name a resource", () => {
        it("auto-names: logical name, '-', then 7 random hex digits (Terraform bridge), 8 (Kubernetes)", () => {
            const group = physicalName(TARGET_GROUP, "edge-qa-stable", {}).name!.value;
            assert.match(group, /^edge-qa-stable-[0-9a-f]{7}$/);
            assert.equal(physicalName(TARGET_GROUP, "edge-qa-stable", {}).name!.value, group, "the same on every run");
            assert.match(physicalName("kubernetes:core/v1:ConfigMap", "agents-config", {}).name!.value, /^agents-config-[0-9a-f]{8}$/);
            assert.match(physicalName("aws:s3/bucket:Bucket", "Edge-Logs", {}).name!.value, /^edge-logs-[0-9a-f]{7}$/, "lowercased");
            assert.match(physicalName("aws:kms/alias:Alias", "secrets-alias", {}).name!.value, /^alias\/secrets-alias-[0-9a-f]{7}$/);
        });

        it("the bridge refuses, rather than truncates, a logical name that leaves no room for the random part", () => {
            const { violation } = physicalName(TARGET_GROUP, "edge-research-agent-stable", {});
            assert.match(violation!.reasons[0], /"edge-research-agent-stable-" plus 7 random characters is longer than its auto-name maximum of 32/);
            assert.equal(physicalName(TARGET_GROUP, "edge-research-age-stable", {}).violation, undefined, "24 characters leave room");
        });

        it("an explicit name is taken as given; a name prefix gets Terraform's 26-character suffix", () => {
            assert.deepEqual(physicalName(TARGET_GROUP, "edge-tg", { name: "blue-tg" }), { name: { property: "name", value: "blue-tg" } });
            assert.equal(physicalName(TARGET_GROUP, "edge-tg", { namePrefix: "blue-t" }).name!.value.length, 32);
            assert.match(physicalName(TARGET_GROUP, "edge-tg", { namePrefix: "blue-tg" }).violation!.reasons[0], /33 characters, more than 32/);
            assert.equal(physicalName("kubernetes:core/v1:Service", "svc", { metadata: { name: "research-agent" } }).name!.value, "research-agent");
        });

        it("a type with no row is a violation, so that no new type goes unchecked", () => {
            assert.match(physicalName("aws:sns/topic:Topic", "alerts", {}).violation!.reasons[0], /no row in the naming table/);
            assert.deepEqual(physicalName("aws:lb/listener:Listener", "edge-http", {}), {});
            assert.deepEqual(physicalName("pulumi:providers:aws", "aws", {}), {});
        });

        it("names the configuration key that drives a bad name, the longest matching agent name first", () => {
            const drivers = nameDrivers("dev", { "adk-platform:agents": JSON.stringify([{ name: "research" }, { name: "research-agent" }]) });
            assert.deepEqual(drivers.map((d) => d.key), ["the stack name", "adk-platform:namespace", "adk-platform:agents[0].name", "adk-platform:agents[1].name"]);
            const line = formatViolation(physicalName(TARGET_GROUP, "edge-research-agent-stable", {}).violation!, drivers);
            assert.match(line, /Driven by adk-platform:agents\[1\]\.name \("research-agent"\)$/);
        });
    });

    describe("fitName, the one way the program shortens a name", () => {
        it("keeps a name that fits, else a readable prefix and a hash of the whole", () => {
            assert.equal(fitName("research-agent", 14), "research-agent");
            const a = fitName(`conversation-research-assistant-${"a".repeat(8)}`, 30);
            const b = fitName(`conversation-research-assistant-${"b".repeat(8)}`, 30);
            assert.equal(a.length, 30);
            assert.notEqual(a, b);
            assert.match(a, /^conversation-research-a-[0-9a-f]{6}$/);
            assert.equal(fitName("adk-agents-logging-namespace", 20), fitName("adk-agents-logging-namespace", 20));
            assert.doesNotMatch(fitName("abcde-----fghijklmnop", 14), /--/, "no hyphen run before the hash");
        });
    });

    it("catches what broke dev: the old target group name for research-agent is refused, naming agents[0].name", async () => {
        const { config, secretKeys } = readStackConfig("dev");
        const run = await runProgram({ stack: "dev", config, secretKeys });
        assert.deepEqual(run.namingProblems, []);
        // The target group as AlbCanary named it before: <lb>-<agent>-<track>, auto-named.
        const old = new aws.lb.TargetGroup("edge-research-agent-stable", { vpcId: "vpc-0de71a2b3c4d5e6f7", targetType: "ip", port: 8080, protocol: "HTTP" });
        await unwrap(old.urn);
        const problems = namingProblems();
        assert.equal(problems.length, 1, problems.join("\n"));
        assert.match(problems[0], /^aws:lb\/targetGroup:TargetGroup edge-research-agent-stable: name "edge-research-agent-stable-[0-9a-f]{7}" \(auto\)/);
        assert.match(problems[0], /is 34 characters, more than 32\. Rule: 1-32 characters.*validTargetGroupName/);
        assert.match(problems[0], /Driven by adk-platform:agents\[0\]\.name \("research-agent"\)$/);
    });

    describe("the longest names the configuration allows", function () {
        // Pulumi: stack names up to 100 characters (pkg/backend/diy ParseReference); agent names are
        // DNS labels of up to 40 (config/schema.ts), namespaces up to 63.
        const stack = `adk-${"long-stack-name-".repeat(6)}`.padEnd(100, "x");
        const namespace = `agents-${"n".repeat(56)}`;
        const shared = "conversation-research-assistant-agent-"; // 38 characters in common
        const agentNames = ["a1", "b2", "c3"].map((suffix) => shared + suffix);
        const resources = SMALL_RESOURCES;
        const longest = (image: string) => ({
            environment: "prod",
            namespace,
            agents: agentNames.map((name) => ({ name, image, resources, strategy: "canary", canary: { tag: "2.0.0", weight: 10 }, artifacts: true })),
            agentSecrets: Object.fromEntries(agentNames.map((name) => [name, { API_KEY: "k" }])),
            monitoring: { tracing: { backend: "cloud" }, logging: { ship: true } },
        });

        /** The physical name of every named resource, by type and (for namespaced Kubernetes objects) namespace. */
        function physicalNames(run: ProgramRun): Map<string, string[]> {
            const byScope = new Map<string, string[]>();
            for (const r of run.resources.filter((r: RecordedResource) => r.custom && NAMING.has(r.type))) {
                const row = NAMING.get(r.type)!;
                const name = row.property.split(".").reduce<any>((v, k) => v?.[k], r.state);
                const scope = `${r.type} ${r.state.metadata?.namespace ?? ""}`;
                byScope.set(scope, [...(byScope.get(scope) ?? []), name]);
            }
            return byScope;
        }

        const created = new Set<string>();

        for (const [cloud, config] of [
            ["AWS", awsStack({ ...longest(IMAGE), model: { access: "vertex-ai", federation: FEDERATION } })],
            ["GCP", gcpStack(longest(GCP_IMAGE))],
        ] as const) {
            it(`${cloud}: every physical name is valid and unique per type, every type is in the table`, async () => {
                const run = await runProgram({ stack, config, secretKeys: ["agentSecrets"] });
                assert.deepEqual(run.namingProblems, []);
                for (const [scope, names] of physicalNames(run)) {
                    assert.ok(names.every((n) => typeof n === "string"), scope);
                    assert.equal(new Set(names).size, names.length, `${scope}: ${names.join(", ")}`);
                }
                const types = new Set(run.resources.filter((r) => r.custom).map((r) => r.type));
                for (const type of types) created.add(type);
                // prod brings External Secrets, WAF and access logs; with canaries, logs and cloud tracing every optional part is there.
                const expected = cloud === "AWS"
                    ? [TARGET_GROUP, "aws:secretsmanager/secret:Secret", "aws:cloudwatch/logGroup:LogGroup", "aws:wafv2/webAcl:WebAcl", "aws:s3/bucket:Bucket", "aws:acm/certificate:Certificate"]
                    : ["gcp:secretmanager/secret:Secret", "gcp:logging/projectSink:ProjectSink", "gcp:compute/securityPolicy:SecurityPolicy", "gcp:serviceaccount/account:Account", "gcp:storage/bucket:Bucket"];
                for (const type of expected) assert.ok(types.has(type), type);
                if (cloud === "GCP") {
                    const labels = run.resources.find((r) => r.type === "pulumi:providers:gcp")!.inputs.defaultLabels;
                    assert.ok((typeof labels === "string" ? JSON.parse(labels) : labels).stack.length <= 63, "GCP label values hold 63 characters");
                }
                const dashboards = run.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs.metadata?.name?.startsWith("adk-dashboard-"));
                const uids = dashboards.map((d) => JSON.parse(Object.values(d.inputs.data as Record<string, string>)[0]).uid);
                assert.equal(new Set(uids).size, agentNames.length, `Grafana uids: ${uids.join(", ")}`);
            });
        }

        it("with the dev stack (secrets as Kubernetes Secrets), create every type of the table and of the unnamed list: no row is dead", async () => {
            const { config, secretKeys } = readStackConfig("dev");
            for (const r of (await runProgram({ stack: "dev", config, secretKeys })).resources) created.add(r.type);
            assert.deepEqual([...NAMING.keys(), ...NO_PHYSICAL_NAME].filter((type) => !created.has(type)), []);
        });
    });

    it("a stack name with capitals, '_' and '.' (as Pulumi allows) gives valid names on both clouds", async () => {
        for (const config of [awsStack({ environment: "prod" }), gcpStack({ environment: "prod" })]) {
            const run = await runProgram({ stack: "Prod_EU.1", config: { ...config, agentSecrets: { "research-agent": { API_KEY: "k" } }, monitoring: { tracing: { backend: "cloud" }, logging: { ship: true } } }, secretKeys: ["agentSecrets"] });
            assert.deepEqual(run.namingProblems, []);
        }
        assert.notEqual(nameSafe("prod.eu"), nameSafe("prod_eu"));
        assert.equal(nameSafe("gcp-prod"), "gcp-prod");
    });

    it("fails `npm run plan` with one line per refused name and the key that drives it", async function () {
        this.timeout(120_000);
        // ACM puts the first domain in the certificate's common name, which holds 64 octets.
        const domain = `${"a".repeat(40)}.${"b".repeat(20)}.example.com`;
        const temporary = temporaryStack("naming", awsStack({ loadBalancer: { ...AWS_LOAD_BALANCER, domain } }));
        try {
            const { code, stdout, stderr } = await planCli("--stack", temporary.stack, "--out", "/dev/null/none");
            assert.equal(code, 1, stdout + stderr);
            assert.match(stdout, new RegExp(`Invalid physical names for stack ${temporary.stack}: 1 problem`));
            assert.match(stderr, new RegExp(`^aws:acm/certificate:Certificate edge-cert: domainName "${domain}" \\(explicit\\) is ${domain.length} characters, more than 64\\..*Driven by adk-platform:loadBalancer\\.domain`, "m"));
        } finally {
            temporary.remove();
        }
    });
});
