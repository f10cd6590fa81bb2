// The CrossGuard pack (policy/) as a whole, run through the same adapter as the offline plan
// (tools/policies.ts): every policy named and documented, the plan failing on a violation, and the
// stacks themselves against every mandatory policy. Each policy's own cases are in test/policy/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { POLICIES } from "../../policy/all";
import { FRAMEWORK_NAMES } from "../../policy/lib";
import { ProgramRun, runProgram } from "../../tools/mockRuntime";
import { plan as planStack, PlanError } from "../../tools/plan";
import { attributeToConfig, evaluatePolicies, formatViolation } from "../../tools/policies";
import { readStackConfig, ROOT, stackNames } from "../../tools/stackConfig";
import { AWS_COGNITO_AUTH, AWS_LOAD_BALANCER, AWS_SECURITY, AWS_SESSIONS, awsStack, gcpStack, planCli, temporaryStack } from "../fixtures";

describe("CrossGuard policy pack", () => {
    it("shares its labels with the program without the program loading @pulumi/policy", () => {
        // `pulumi up` runs the program alone, from its bundle (package.json main, tools/launch.js):
        // it must not need the pack's SDK (policy/labels.ts).
        const script = `require("./tools/launch").compiled("index.ts").then((bundle) => { require(bundle); console.log(Object.keys(require.cache).filter((k) => k.includes("@pulumi/policy")).length) })`;
        assert.equal(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }).trim(), "0");
    });

    it("every policy names SOC 2, GDPR, HIPAA and PCI-DSS controls, is mandatory and has a unique name", () => {
        assert.equal(new Set(POLICIES.map((p) => p.name)).size, POLICIES.length);
        for (const policy of POLICIES) {
            assert.equal(policy.enforcementLevel, "mandatory", policy.name);
            for (const framework of Object.keys(FRAMEWORK_NAMES) as (keyof typeof FRAMEWORK_NAMES)[]) {
                assert.ok(policy.controls[framework].length > 0, `${policy.name} names no ${FRAMEWORK_NAMES[framework]} control`);
            }
        }
    });

    it("the README's control table lists every policy with its controls", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        for (const policy of POLICIES) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${policy.name}\``));
            assert.ok(row, `README has no row for ${policy.name}`);
            for (const control of [...policy.controls.soc2, ...policy.controls.pciDss]) assert.ok(row.includes(control), `${policy.name}'s row lacks ${control}`);
        }
    });

    describe("the offline plan runs the pack", () => {
        // Valid configuration (prod may turn the ALB's deletion protection off) that the pack refuses.
        let stack: string;
        let remove: () => void;
        before(() => {
            ({ stack, remove } = temporaryStack("policy", {
                "aws:region": "eu-west-1",
                cloud: "aws",
                environment: "prod",
                loadBalancer: { ...AWS_LOAD_BALANCER, auth: AWS_COGNITO_AUTH, deletionProtection: false },
                security: AWS_SECURITY,
                sessions: AWS_SESSIONS,
                agents: [{ name: "research-agent", image: "ghcr.io/acme/research:1.4.2" }],
                model: { access: "none" },
            }));
        });
        after(() => remove());

        it("fails on a mandatory violation, naming policy, resource and the config key that caused it", async () => {
            const err = await planStack(stack).then(() => undefined, (e: unknown) => e);
            assert.ok(err instanceof PlanError, String(err));
            assert.equal(err.heading, "Mandatory policy violations");
            assert.deepEqual(err.problems, [
                `[mandatory] lb-deletion-protection-in-prod: aws:lb/loadBalancer:LoadBalancer edge: prod load balancer must set enableDeletionProtection: true (set by adk-platform:loadBalancer.deletionProtection)`,
            ]);
        });

        it("names a config key whose value a violation quotes, never a secret", () => {
            const violation = { policy: "k8s-image-pinned", enforcementLevel: "mandatory", message: `container agent uses untagged image ghcr.io/acme/research` };
            const config = { "adk-platform:agents": [{ name: "research-agent", image: "ghcr.io/acme/research" }], "adk-platform:agentSecrets": { "research-agent": { KEY: "[secret]" } } };
            assert.deepEqual(attributeToConfig([violation], config)[0].configKeys, ["adk-platform:agents[0].image"]);
            assert.equal(attributeToConfig([{ ...violation, message: "unrelated" }], config)[0].configKeys, undefined);
        });

        it("exits non-zero from the command line and writes nothing", async () => {
            const out = path.join(ROOT, "out", stack);
            const result = await planCli("--stack", stack);
            assert.equal(result.code, 1);
            assert.match(result.stdout, /^Mandatory policy violations for stack test-policy-\d+: 1 problem\(s\); nothing was written\.$/m);
            assert.match(result.stderr, /^\[mandatory\] lb-deletion-protection-in-prod: aws:lb\/loadBalancer:LoadBalancer edge: .* \(set by adk-platform:loadBalancer\.deletionProtection\)$/m);
            assert.equal(existsSync(out), false);
        });
    });

    describe("the stacks pass every mandatory policy", () => {
        const files = stackNames();
        const secrets = { agentSecrets: { "research-agent": { API_KEY: "k" } } };
        const stacks: [string, () => Promise<ProgramRun>][] = [
            ...files.map((stack): [string, () => Promise<ProgramRun>] => [`Pulumi.${stack}.yaml`, () => runProgram({ stack, ...readStackConfig(stack) })]),
            ["GCP dev fixture", () => runProgram({ stack: "gcp-dev", config: gcpStack(secrets), secretKeys: ["agentSecrets"] })],
            ["GCP prod fixture, secrets through External Secrets", () => runProgram({ stack: "gcp-prod", config: gcpStack({ ...secrets, environment: "prod" }), secretKeys: ["agentSecrets"] })],
            ["AWS prod fixture, secrets through External Secrets", () => runProgram({ stack: "aws-prod", config: awsStack({ ...secrets, environment: "prod" }), secretKeys: ["agentSecrets"] })],
        ];
        it("include dev and prod", () => assert.ok(files.includes("dev") && files.includes("prod"), files.join(", ")));
        for (const [label, run] of stacks) {
            it(label, async () => {
                const violations = (await evaluatePolicies(await run())).filter((v) => v.enforcementLevel === "mandatory");
                assert.deepEqual(violations.map(formatViolation), []);
            });
        }
    });
});
