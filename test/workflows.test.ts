// The GitHub workflows and the composite action as data: what they install and how, which pull
// requests reach the cloud, what the pull-request plan diff may do with a fork's code, and the
// scripts run as a runner would: the cluster-credentials scripts by bash with stand-ins for gcloud
// and kubectl, the commenting script with a stand-in for GitHub's API.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ROOT } from "../tools/stackConfig";
import { ACTIONS, Job, read, runStep, Step, Workflow, WORKFLOWS } from "./githubFiles";

const text = (file: string) => readFileSync(path.join(ROOT, WORKFLOWS, file), "utf8");

/** Every workflow's jobs and every composite action, each as a named list of steps. */
function stepLists(): { where: string; steps: Step[] }[] {
    const workflows = readdirSync(path.join(ROOT, WORKFLOWS)).filter((f) => /\.ya?ml$/.test(f)).flatMap((file) =>
        Object.entries(read(path.join(WORKFLOWS, file)).jobs as Record<string, Job>).map(([name, job]) => ({ where: `${file} job ${name}`, steps: job.steps })));
    const actions = readdirSync(path.join(ROOT, ACTIONS)).map((dir) => {
        const file = path.join(ACTIONS, dir, "action.yml");
        return { where: file, steps: read(file).runs.steps as Step[] };
    });
    return [...workflows, ...actions];
}

const allSteps = () => stepLists().flatMap(({ where, steps }) => steps.map((step) => ({ where, step })));

/** The same-repository test of preview.yml's cloud job, and its negation for the fork job. */
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
const FORK = "github.event.pull_request.head.repo.full_name != github.repository";

/**
 * Runs a step's script as GitHub runs `shell: bash` (`bash --noprofile --norc -eo pipefail`), with
 * `${{ }}` expressions replaced from `expressions` and gcloud and kubectl replaced by stubs.
 * The kubectl stub keeps one context and refuses to rename it to its own name, as kubectl does
 * ("cannot rename the context ..., the context ... already exists").
 */
function runCredentials(script: string, expressions: Record<string, string>, env: Record<string, string>, generatedContext: string) {
    const body = script.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
        assert.ok(expr in expressions, `no value for \${{ ${expr} }}`);
        return expressions[expr];
    });
    const result = runStep(body, { CONTEXT_GENERATED: generatedContext, ...env }, {
        gcloud: `[ "$1 $2 $3" = "container clusters get-credentials" ] && echo "$CONTEXT_GENERATED" > "$STUB_DIR/context"\nexit 0`,
        kubectl: [
            `case "$1 $2" in`,
            `  "config current-context") cat "$STUB_DIR/context" ;;`,
            `  "config rename-context") [ "$(cat "$STUB_DIR/context")" = "$3" ] || exit 1; [ "$3" != "$4" ] || { echo "error: the context \\"$4\\" already exists" >&2; exit 1; }; echo "$4" > "$STUB_DIR/context" ;;`,
            `  "config use-context") [ "$(cat "$STUB_DIR/context")" = "$3" ] || { echo "error: no context named \\"$3\\"" >&2; exit 1; } ;;`,
            `  *) exit 1 ;;`,
            `esac`,
        ].join("\n"),
    }, ["context"]);
    return { status: result.status, output: result.output, calls: result.calls.map((call) => call.join(" ")), context: result.files.context.trim() };
}

describe("GitHub workflows and actions", () => {
    it("install the Pulumi CLI with pulumi/actions v6, never the deprecated action-install-pulumi-cli", () => {
        const pulumi = allSteps().filter(({ step }) => step.uses?.startsWith("pulumi/action"));
        assert.deepEqual(pulumi.filter(({ step }) => !step.uses!.startsWith("pulumi/actions@")).map(({ where, step }) => `${where}: ${step.uses}`), []);
        assert.deepEqual([...new Set(pulumi.map(({ step }) => step.uses))], ["pulumi/actions@v6"]);
        // Without `command`, pulumi/actions only installs the CLI (its README, "Installation Only").
        const access = read(path.join(ACTIONS, "stack-access", "action.yml")).runs.steps as Step[];
        assert.ok(access.some((s) => s.uses === "pulumi/actions@v6" && s.with?.command === undefined), "stack-access installs the CLI");
    });

    it("get GKE's auth plugin from setup-gcloud, never from gcloud components install", () => {
        assert.deepEqual(allSteps().filter(({ step }) => /gcloud\s+components\s+install/.test(step.run ?? "")).map(({ where }) => where), []);
        for (const { where, steps } of stepLists()) {
            const credentials = steps.findIndex((s) => /gcloud container clusters get-credentials/.test(s.run ?? ""));
            if (credentials < 0) continue;
            const setup = steps.findIndex((s) => s.uses?.startsWith("google-github-actions/setup-gcloud@"));
            const auth = steps.findIndex((s) => s.uses?.startsWith("google-github-actions/auth@"));
            assert.ok(auth >= 0 && auth < setup && setup < credentials, `${where}: auth, then setup-gcloud, then get-credentials`);
            assert.equal(steps[setup].uses, "google-github-actions/setup-gcloud@v3", where);
            assert.match(String(steps[setup].with?.install_components), /\bgke-gcloud-auth-plugin\b/, where);
            assert.equal(steps[setup].if, steps[auth].if, `${where}: setup-gcloud runs for GCP stacks only, as auth does`);
        }
    });

    it("run the cloud preview for pull requests from this repository only, and tell forks what they get", () => {
        const preview = read(path.join(WORKFLOWS, "preview.yml"));
        const jobs = Object.entries(preview.jobs as Record<string, Job>);
        const cloud = jobs.filter(([, job]) => job.steps.some((s) => /^(pulumi|aws-actions|google-github-actions)\//.test(s.uses ?? "")));
        assert.ok(cloud.length > 0);
        for (const [name, job] of cloud) {
            assert.equal(job.if, SAME_REPO, `job ${name}`);
            assert.equal(job.permissions?.["id-token"], "write", `job ${name}`);
        }
        // Only the cloud job asks for an OIDC token and a writable token.
        assert.deepEqual(preview.permissions, { contents: "read" });
        const forks = jobs.filter(([, job]) => job.if === FORK);
        assert.equal(forks.length, 1, "one job for pull requests from forks");
        const [, fork] = forks[0];
        assert.ok(fork.permissions === undefined || fork.permissions["id-token"] === undefined, "the fork job needs no OIDC token");
        const summary = fork.steps.map((s) => s.run ?? "").join("\n");
        assert.match(summary, /GITHUB_STEP_SUMMARY/);
        assert.match(summary, /offline plan/i);
        assert.match(summary, /offline-plans/);
    });

    describe("cluster credentials", () => {
        const CONTEXT = "gke_adk-prod-123_europe-west1_adk-prod";
        const credentialSteps = () => allSteps().filter(({ step }) => /rename-context/.test(step.run ?? ""));

        it("are found where contexts are renamed: preview.yml and stack-access", () => {
            assert.deepEqual(credentialSteps().map(({ where }) => where.split(" ")[0]).sort(), [path.join(ACTIONS, "stack-access", "action.yml"), "preview.yml"]);
        });

        for (const [situation, generated] of [["already has the stack's name", CONTEXT], ["has another name", "gke_other_europe-west1_adk-prod"]] as const) {
            it(`leave the GKE context under the stack's name when gcloud's context ${situation}`, () => {
                for (const { where, step } of credentialSteps()) {
                    const result = runCredentials(step.run!, {
                        "matrix.cloud": "gcp", "matrix.cluster": "adk-prod", "matrix.context": CONTEXT,
                        "steps.facts.outputs.cloud": "gcp", "steps.facts.outputs.context": CONTEXT,
                    }, { CLUSTER_NAME: "adk-prod", GCP_REGION: "europe-west1" }, generated);
                    assert.equal(result.status, 0, `${where}:\n${result.output}\n${result.calls.join("\n")}`);
                    assert.equal(result.context, CONTEXT, where);
                    assert.equal(result.calls.some((c) => c.startsWith("kubectl config rename-context")), generated !== CONTEXT, `${where}: ${result.calls.join("; ")}`);
                }
            });
        }
    });
    describe("the pull-request plan diff, for forks too", () => {
        const DIFF = "plan-diff.yml";
        const COMMENT = "plan-diff-comment.yml";
        const diff = () => read(path.join(WORKFLOWS, DIFF)) as Workflow;
        const comment = () => read(path.join(WORKFLOWS, COMMENT)) as Workflow;
        const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

        it("no workflow runs on pull_request_target, which hands a fork's code a writable token and the secrets", () => {
            for (const file of readdirSync(path.join(ROOT, WORKFLOWS))) {
                assert.ok(!("pull_request_target" in (read(path.join(WORKFLOWS, file)) as Workflow).on), file);
            }
        });

        it("plans on pull_request with a read-only token and no secrets", () => {
            const workflow = diff();
            assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
            assert.deepEqual(workflow.permissions, { contents: "read" });
            assert.deepEqual(Object.values(workflow.jobs).map((job) => job.permissions), [undefined]);
            assert.deepEqual(text(DIFF).match(/secrets\.\w+/g), null);
            const checkouts = steps(workflow).filter((s) => s.uses?.startsWith("actions/checkout@"));
            assert.deepEqual(checkouts.map((s) => s.with?.["persist-credentials"]), [false, false], "no token left in the checkouts");
            // The base plan comes from the base's own program, in a checkout of its own.
            assert.deepEqual(checkouts.map((s) => [s.with?.ref, s.with?.path]), [["${{ github.event.pull_request.base.sha }}", "base"], [undefined, "head"]]);
        });

        it("plans every stack file at the base and against it at the head, and fails only after uploading the comment", () => {
            const all = steps(diff());
            const script = (pattern: RegExp) => all.findIndex((s) => pattern.test(s.run ?? ""));
            const base = script(/npm run --silent plan -- --stack "\$stack" --out "\$PLANS\/base/);
            const head = script(/--against "\$PLANS\/base\/\$stack\/plan\.json"/);
            assert.ok(base >= 0 && head > base, "the base is planned first");
            assert.equal(all[base].with, undefined);
            assert.match(all[base].run!, /for file in Pulumi\.\*\.yaml/);
            assert.match(all[head].run!, /for file in Pulumi\.\*\.yaml/);
            assert.match(all[head].run!, /--format markdown --graph/);
            assert.match(all[head].run!, /\|\| failed="\$failed \$stack"/, "a stack with refused changes does not stop the others");
            const upload = all.findIndex((s) => s.uses?.startsWith("actions/upload-artifact@") && s.with?.name === "plan-diff-comment");
            const fail = all.findIndex((s) => /exit 1/.test(s.run ?? ""));
            assert.ok(upload > head && fail > upload, "the comment is uploaded before the check fails");
            assert.equal(all[upload].if, undefined, "the comment is uploaded whatever the plans said");
        });

        it("comments from a workflow_run that never checks out or runs the pull request's code and uses no secret", () => {
            const workflow = comment();
            assert.deepEqual(workflow.on, { workflow_run: { workflows: [diff().name], types: ["completed"] } });
            assert.deepEqual(workflow.permissions, { actions: "read", "pull-requests": "write" });
            const all = steps(workflow);
            assert.deepEqual(all.filter((s) => s.run !== undefined || s.uses?.startsWith("actions/checkout")), [], "no checkout, no script of the repository");
            assert.deepEqual(all.map((s) => s.uses?.split("@")[0]), ["actions/download-artifact", "actions/github-script"]);
            assert.ok((text(COMMENT).match(/secrets\.\w+/g) ?? []).every((s) => s === "secrets.GITHUB_TOKEN"));
            const download = all[0];
            assert.equal(download.with?.name, "plan-diff-comment");
            assert.equal(download.with?.["run-id"], "${{ github.event.workflow_run.id }}");
            assert.match(Object.values(workflow.jobs)[0].if!, /github\.event\.workflow_run\.event == 'pull_request'/);
        });

        describe("its script, against a stand-in for GitHub's API", () => {
            const MARKER = "<!-- adk-platform:plan-diff -->";
            const HEAD = "0123456789abcdef0123456789abcdef01234567";
            let dir: string;
            beforeEach(() => {
                dir = mkdtempSync(path.join(tmpdir(), "adk-comment-"));
                writeFileSync(path.join(dir, "pr-number"), "42\n");
                writeFileSync(path.join(dir, "comment.md"), "## Offline plan\n");
            });
            afterEach(() => rmSync(dir, { recursive: true, force: true }));

            /** Runs the github-script step as the action does: an async function of github, context, core and require. */
            async function post(existing: { id: number; user: { login: string }; body: string }[], pullHead = HEAD) {
                const script = String(steps(comment()).find((s) => s.uses?.startsWith("actions/github-script@"))!.with!.script);
                const calls: [string, Record<string, unknown>][] = [];
                const notices: string[] = [];
                const github = {
                    paginate: async (_: unknown, args: Record<string, unknown>) => { calls.push(["list", args]); return existing; },
                    rest: {
                        pulls: { get: async (args: Record<string, unknown>) => { calls.push(["get", args]); return { data: { head: { sha: pullHead } } }; } },
                        issues: {
                            listComments: () => undefined,
                            createComment: async (args: Record<string, unknown>) => calls.push(["create", args]),
                            updateComment: async (args: Record<string, unknown>) => calls.push(["update", args]),
                        },
                    },
                };
                const context = { repo: { owner: "acme", repo: "adk-platform" }, payload: { workflow_run: { head_sha: HEAD, html_url: "https://github.com/acme/adk-platform/actions/runs/7" } } };
                const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
                await new AsyncFunction("github", "context", "core", "require", "process", script)(github, context, { notice: (m: string) => notices.push(m) }, require, { env: { COMMENT_DIR: dir } });
                return { calls: calls.filter(([kind]) => kind === "create" || kind === "update"), notices };
            }

            it("creates one comment, starting with the marker, on the pull request the artifact names", async () => {
                const { calls } = await post([]);
                assert.deepEqual(calls, [["create", { owner: "acme", repo: "adk-platform", issue_number: 42, body: `${MARKER}\n## Offline plan\n` }]]);
            });

            it("updates its own earlier comment, not someone else's that quotes the marker", async () => {
                const { calls } = await post([
                    { id: 1, user: { login: "mallory" }, body: `${MARKER}\nfake` },
                    { id: 2, user: { login: "github-actions[bot]" }, body: `${MARKER}\nold` },
                ]);
                assert.deepEqual(calls.map(([kind, args]) => [kind, args.comment_id]), [["update", 2]]);
            });

            it("does not comment when the pull request has moved on from the planned commit", async () => {
                const { calls, notices } = await post([], "ffffffffffffffffffffffffffffffffffffffff");
                assert.deepEqual(calls, []);
                assert.match(notices[0], /not commenting/);
            });

            it("cuts a comment GitHub would refuse as too long, and says where the whole text is", async () => {
                writeFileSync(path.join(dir, "comment.md"), "x".repeat(70_000));
                const { calls } = await post([]);
                const body = String(calls[0][1].body);
                assert.ok(body.length < 65_536, String(body.length));
                assert.match(body, /cut at 60000 characters: .*\(https:\/\/github\.com\/acme\/adk-platform\/actions\/runs\/7\)/);
            });

            it("refuses an artifact that names no pull request", async () => {
                writeFileSync(path.join(dir, "pr-number"), "../../etc\n");
                await assert.rejects(post([]), /names no pull request/);
            });
        });
    });
});
