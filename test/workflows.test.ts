// The GitHub workflows and the composite action as data: what they install and how, which pull
// requests reach the cloud, and the cluster-credentials scripts run by bash with stand-ins for
// gcloud and kubectl, as a GitHub-hosted runner would run them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "../tools/stackConfig";

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
}

interface Job {
    if?: string;
    permissions?: Record<string, string>;
    steps: Step[];
}

const WORKFLOWS = path.join(".github", "workflows");
const ACTIONS = path.join(".github", "actions");

const read = (file: string) => parse(readFileSync(path.join(ROOT, file), "utf8"));

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
    const dir = mkdtempSync(path.join(tmpdir(), "adk-workflow-"));
    try {
        const body = script.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
            assert.ok(expr in expressions, `no value for \${{ ${expr} }}`);
            return expressions[expr];
        });
        const stub = (name: string, text: string) => {
            writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\necho "${name} $*" >> "$STUB_LOG"\n${text}`);
            chmodSync(path.join(dir, name), 0o755);
        };
        stub("gcloud", `[ "$1 $2 $3" = "container clusters get-credentials" ] && echo "$CONTEXT_GENERATED" > "$STUB_DIR/context"\nexit 0`);
        stub("kubectl", [
            `case "$1 $2" in`,
            `  "config current-context") cat "$STUB_DIR/context" ;;`,
            `  "config rename-context") [ "$(cat "$STUB_DIR/context")" = "$3" ] || exit 1; [ "$3" != "$4" ] || { echo "error: the context \\"$4\\" already exists" >&2; exit 1; }; echo "$4" > "$STUB_DIR/context" ;;`,
            `  "config use-context") [ "$(cat "$STUB_DIR/context")" = "$3" ] || { echo "error: no context named \\"$3\\"" >&2; exit 1; } ;;`,
            `  *) exit 1 ;;`,
            `esac`,
        ].join("\n"));
        const log = path.join(dir, "log");
        writeFileSync(log, "");
        const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", body], {
            encoding: "utf8",
            env: { PATH: `${dir}:${process.env.PATH}`, STUB_DIR: dir, STUB_LOG: log, CONTEXT_GENERATED: generatedContext, ...env },
        });
        return { status: result.status, output: result.stdout + result.stderr, calls: readFileSync(log, "utf8").trim().split("\n"), context: readFileSync(path.join(dir, "context"), "utf8").trim() };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
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
});
