// The preview layer: the program evaluated as the first `pulumi preview` of a stack evaluates it
// (dry run, provider-computed outputs unknown), compared with the `pulumi up` that follows, and the
// CrossGuard pack run on both the way the engine runs it.
import assert from "node:assert/strict";
import type { StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../../../policy/all";
import { secretEncryption } from "../../../policy/data/secretEncryption";
import { AdkPolicy, define } from "../../../policy/lib";
import { comparePreview } from "../../../tools/engine/preview";
import { computedOutputs } from "../../../tools/engine/computedOutputs";
import { evaluatePolicies } from "../../../tools/policies";
import { readStackConfig, stackNames } from "../../../tools/stackConfig";
import { awsStack, GCP_IMAGE, gcpStack, stackPlan } from "../../fixtures";
import { ProgramRun, runProgram, UNKNOWN } from "../../../tools/mockRuntime";

const SECRETS = { agentSecrets: { "research-agent": { SEARCH_API_KEY: "k" } }, environment: "prod" };

/** The bucket check as the pack once had it: it read the bucket's `acl` output. */
const aclOutputPolicy: AdkPolicy = define({
    name: "bucket-acl-output",
    description: "reads a computed output",
    controls: { soc2: [], gdpr: [], hipaa: [], pciDss: [] },
    validateStack: ((args, report) => {
        for (const bucket of args.resources.filter((r) => r.type === "aws:s3/bucket:Bucket")) {
            if (/^public-/.test(bucket.props.acl ?? "")) report(`bucket ACL is ${bucket.props.acl}`, bucket.urn);
        }
    }) as StackValidationPolicy["validateStack"],
});

describe("preview layer", () => {
    let up: ProgramRun;
    let preview: ProgramRun;
    before(async () => {
        const config = awsStack(SECRETS);
        preview = await runProgram({ config, secretKeys: ["agentSecrets"], preview: true });
        up = await runProgram({ config, secretKeys: ["agentSecrets"] });
    });

    it("leaves what the cloud computes unknown, and what the program or auto-naming sets known", () => {
        assert.equal(preview.preview, true);
        assert.equal(up.preview, false);
        assert.equal(preview.outputs.loadBalancerDnsName, UNKNOWN);
        assert.notEqual(up.outputs.loadBalancerDnsName, UNKNOWN);
        const binding = preview.resources.find((r) => r.type === "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding")!;
        assert.equal(binding.inputs.spec.targetGroupARN, UNKNOWN, "a new target group's ARN is unknown");
        assert.equal(binding.inputs.spec.vpcID, "vpc-0a1b2c3d4e5f60718", "a configured value is known");
        const workload = preview.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
        assert.equal(typeof workload.state.metadata.name, "string");
        assert.notEqual(workload.state.metadata.name, UNKNOWN);
    });

    it("registers the same resources in preview as in up, on both clouds", async () => {
        assert.deepEqual(preview.resources.map((r) => r.urn).sort(), up.resources.map((r) => r.urn).sort());
        // One agent acting as its secrets' Google service account, one as its bare ServiceAccount (the project number's invoke), both with artifacts.
        const image = GCP_IMAGE;
        const config = gcpStack({ ...SECRETS, agents: ["research-agent", "support-agent"].map((name) => ({ name, image, artifacts: true })) });
        const gcpPreview = await runProgram({ config, secretKeys: ["agentSecrets"], preview: true });
        const gcpUp = await runProgram({ config, secretKeys: ["agentSecrets"] });
        assert.deepEqual(comparePreview(gcpUp, gcpPreview, await evaluatePolicies(gcpPreview)), { problems: [], notes: [] });
    });

    it("refuses a resource that only `up` registers: one created inside an apply", () => {
        const late = { ...up.resources[up.resources.length - 1], urn: `${up.resources[0].urn}-late`, name: "late" };
        const report = comparePreview({ ...up, resources: [...up.resources, late] }, preview, []);
        assert.equal(report.problems.length, 1);
        assert.match(report.problems[0], /late: registered by `pulumi up` but not by `pulumi preview`/);
    });

    it("knows which outputs a provider computes from the SDK's declarations", () => {
        const bucket = computedOutputs("aws:s3/bucket:Bucket");
        for (const computed of ["acl", "arn", "bucket", "tagsAll"]) assert.ok(bucket.has(computed), computed);
        assert.ok(!bucket.has("tags"), "tags are echoed only when set");
        assert.ok(computedOutputs("gcp:compute/sSLPolicy:SSLPolicy").has("selfLink"), "found despite the token's case");
        assert.equal(computedOutputs("kubernetes:apps/v1:Deployment").size, 0);
    });

    describe("policies in preview", () => {
        it("a stack policy reading a computed output cannot run in preview, and the plan refuses it", async () => {
            assert.deepEqual(await evaluatePolicies(up, [aclOutputPolicy]), []);
            const found = await evaluatePolicies(preview, [aclOutputPolicy]);
            assert.equal(found.length, 1);
            assert.equal(found[0].enforcementLevel, "advisory");
            assert.deepEqual(found[0].unknownInPreview, { intendedLevel: "mandatory" });
            assert.match(found[0].message, /^can't run during preview: string value at \.acl can't be known during preview/);
            const report = comparePreview(up, preview, found);
            assert.equal(report.problems.length, 1);
            assert.match(report.problems[0], /downgrades this mandatory policy to advisory/);
        });

        it("an advisory policy that cannot run in preview is a note, not a failure", async () => {
            const advisory = { ...aclOutputPolicy, enforcementLevel: "advisory" as const };
            const report = comparePreview(up, preview, await evaluatePolicies(preview, [advisory]));
            assert.deepEqual(report.problems, []);
            assert.equal(report.notes.length, 1);
        });

        it("a secret sealed with a key the same `up` creates keeps its mandatory check in preview", async () => {
            const secrets = preview.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret");
            assert.ok(secrets.length > 0 && secrets.every((s) => s.inputs.kmsKeyId === UNKNOWN), "the key's ARN is unknown in preview");
            assert.deepEqual(await evaluatePolicies(preview, [secretEncryption]), []);
            const unsealed = { ...secrets[0], inputs: { ...secrets[0].inputs } };
            delete unsealed.inputs.kmsKeyId;
            const found = await evaluatePolicies({ ...preview, resources: [unsealed] }, [secretEncryption]);
            assert.deepEqual(found.map((v) => v.enforcementLevel), ["mandatory"]);
        });

        it("no policy of the pack needs a value unknown in preview, on any stack file", async () => {
            for (const stack of stackNames()) {
                const { config, secretKeys } = readStackConfig(stack);
                const run = await runProgram({ stack, config, secretKeys, preview: true });
                const unknown = (await evaluatePolicies(run, POLICIES)).filter((v) => v.unknownInPreview);
                assert.deepEqual(unknown, [], stack);
            }
        });
    });

    it("the plan evaluates each stack both ways and reports the preview clean", async () => {
        const result = await stackPlan("dev");
        assert.deepEqual(result.preview, { problems: [], notes: [] });
        assert.equal(result.run.preview, false, "plan.json describes the up");
    });
});
