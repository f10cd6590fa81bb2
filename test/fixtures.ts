// Minimal valid stacks that tests start from and change key by key.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { ConfigError, PROJECT } from "../config";
import { ROOT, stackFile } from "../tools/stackConfig";
import { diffPlans, DiffResult, PlanDocument } from "../tools/engine/diff";
import { Plan, ProgramRun, RecordedResource, registrations, runProgram, RunOptions } from "../tools/mockRuntime";
import { plan, planDocument, PlanResult } from "../tools/plan";
import { CONFIG_MAP } from "../tools/resourceTypes";

const run = promisify(execFile);

export const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/adk/research-agent:1.4.2";
export const GCP_IMAGE = "europe-west1-docker.pkg.dev/adk-prod-123/agents/research-agent:1.4.2";

/** Small enough that several agents with both tracks fit the dev namespace quota. */
export const SMALL_RESOURCES = { cpuRequest: "100m", cpuLimit: "200m", memoryRequest: "128Mi", memoryLimit: "256Mi" };

/** Agents of stacks with several: each its own image, all small enough to fit the dev quota together. */
export const awsAgent = (name: string, fields: Record<string, unknown> = {}) => ({ name, image: IMAGE.replace("research-agent", name), resources: SMALL_RESOURCES, ...fields });
export const gcpAgent = (name: string, fields: Record<string, unknown> = {}) => ({ name, image: GCP_IMAGE.replace("research-agent", name), resources: SMALL_RESOURCES, ...fields });

/** The `agents` of a stack with the one agent `awsStack` starts from, with these fields besides. */
export const oneAgent = (fields: Record<string, unknown>) => ({ agents: [{ name: "research-agent", image: IMAGE, ...fields }] });

/** The load balancer settings an AWS stack cannot do without: network and certificate. */
export const AWS_LOAD_BALANCER = {
    domain: "agents.example.com",
    aws: { vpcId: "vpc-0a1b2c3d4e5f60718", publicSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], hostedZoneId: "Z0123456789ABCDEFGHIJ" },
};

/** IRSA and rotation settings, without which an AWS stack cannot deliver secrets through External Secrets (prod's default). */
export const AWS_SECURITY = {
    aws: {
        oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
        rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:adk-secret-rotation",
    },
};

/** Workload Identity Federation for Kubernetes: the Google project and pool an EKS stack reaches Vertex AI through. */
export const FEDERATION = { projectId: "adk-models-123", projectNumber: "210987654321", poolId: "eks-adk-dev", providerId: "eks-adk-dev" };

/** A clear value that must never appear in a plan, a manifest or a message. */
export const OIDC_CLIENT_SECRET = "oidc-client-secret-in-clear";
export const IAP_CLIENT_SECRET = "iap-client-secret-in-clear";

/** OIDC at the ALB, which staging and prod require unless agents are public. */
export const AWS_AUTH = {
    oidc: {
        issuer: "https://login.example.com",
        authorizationEndpoint: "https://login.example.com/authorize",
        tokenEndpoint: "https://login.example.com/token",
        userInfoEndpoint: "https://login.example.com/userinfo",
        clientId: "adk-agents",
        clientSecret: OIDC_CLIENT_SECRET,
    },
};

/** Cognito at the ALB: no secret in the actions. */
export const AWS_COGNITO_AUTH = { cognito: { userPoolArn: "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf", userPoolClientId: "client", userPoolDomain: "adk-agents" } };

/** Identity-Aware Proxy, which staging and prod require on GCP unless agents are public. */
export const GCP_AUTH = { iap: { oauthClientId: "1234-abc.apps.googleusercontent.com", oauthClientSecret: IAP_CLIENT_SECRET, members: ["group:agent-users@example.com"] } };

/** The session database's network on AWS: private subnets, the cluster's security group, the rotation function. */
export const AWS_SESSIONS = {
    database: {
        aws: {
            vpcId: "vpc-0a1b2c3d4e5f60718",
            subnetIds: ["subnet-0a1b2c3d4e5f6000a", "subnet-0a1b2c3d4e5f6000b"],
            clientSecurityGroupIds: ["sg-0a1b2c3d4e5f60e01"],
            rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:adk-sessions-rotation",
        },
    },
};

/** The session database's network on GCP: the VPC with private services access and its range. */
export const GCP_SESSIONS = { database: { gcp: { network: "projects/adk-prod-123/global/networks/adk", privateServicesCidr: "10.200.0.0/20" } } };

/**
 * Outside dev, where several replicas need a shared session store, the store's network unless the
 * test names `sessions` itself.
 */
function withSessions(config: Record<string, unknown>, sessions: Record<string, unknown>): Record<string, unknown> {
    return config.environment === "dev" || "sessions" in config ? config : { ...config, sessions };
}

/**
 * Outside dev, the stack's authentication, unless the test names `auth` or `public` itself (an
 * `auth: undefined` leaves it out): the stacks a test starts from are valid in every environment.
 */
function authenticated(config: Record<string, unknown>, auth: Record<string, unknown>): Record<string, unknown> {
    const lb = config.loadBalancer as Record<string, unknown>;
    if (config.environment === "dev" || "auth" in lb || "public" in lb) return config;
    return { ...config, loadBalancer: { ...lb, auth } };
}

export function awsStack(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return withSessions(authenticated({
        "aws:region": "eu-west-1",
        cloud: "aws",
        environment: "dev",
        agents: [{ name: "research-agent", image: IMAGE }],
        loadBalancer: AWS_LOAD_BALANCER,
        security: AWS_SECURITY,
        // AWS's default, api-key, wants a GOOGLE_API_KEY per agent in agentSecrets; tests that are
        // not about model access start from agents that bring their own (test/components/model/).
        model: { access: "none" },
        ...overrides,
    }, AWS_AUTH), AWS_SESSIONS);
}

export function gcpStack(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return withSessions(authenticated({
        "gcp:project": "adk-prod-123",
        "gcp:region": "europe-west1",
        cloud: "gcp",
        environment: "dev",
        agents: [{ name: "research-agent", image: GCP_IMAGE }],
        loadBalancer: { domain: "agents.example.com" },
        ...overrides,
    }, GCP_AUTH), GCP_SESSIONS);
}

/**
 * Runs the program; returns the problem lines it refuses the configuration with, none when it
 * accepts it. A refusal comes before any resource is registered.
 */
export async function problemsOf(config: Record<string, unknown>, options: Pick<RunOptions, "secretKeys"> = {}): Promise<string[]> {
    try {
        await runProgram({ ...options, config });
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        assert.equal(registrations().length, 0, "a resource was registered before validation failed");
        return err.problems;
    }
    return [];
}

/** Runs the program expecting the configuration to be rejected; returns the problem lines. */
export async function configProblems(config: Record<string, unknown>, options: Pick<RunOptions, "secretKeys"> = {}): Promise<string[]> {
    const problems = await problemsOf(config, options);
    if (problems.length === 0) throw new Error("expected the configuration to be rejected");
    return problems;
}

/** One test per case: the configuration is refused, with a line that starts with the expected one. */
export function itRejects(cases: [label: string, config: Record<string, unknown>, expected: string][]): void {
    for (const [label, config, expected] of cases) {
        it(`rejects ${label}`, async () => {
            const found = await configProblems(config);
            if (!found.some((p) => p.startsWith(expected))) throw new Error(`expected a line starting with\n  ${expected}\ngot\n  ${found.join("\n  ")}`);
        });
    }
}

/**
 * The same evaluation once per process: many tests read the same stack. The mock runtime reads
 * nothing but its options (config as JSON, stack, preview, secret keys), so they are the key. Each
 * caller gets its own copy, which it may change.
 */
async function memoised<T>(cache: Map<string, Promise<T>>, key: string, evaluate: () => Promise<T>): Promise<T> {
    let result = cache.get(key);
    if (result === undefined) {
        result = evaluate();
        cache.set(key, result);
    }
    return structuredClone(await result);
}

const programRuns = new Map<string, Promise<ProgramRun>>();

/** Runs the program for a config (once per process for the same options) and returns lookups over what it registered. */
export async function planFor(config: Record<string, unknown>, options: Omit<RunOptions, "config"> = {}): Promise<Plan> {
    const key = JSON.stringify([config, options.stack, options.preview ?? false, options.secretKeys ?? []]);
    return new Plan(await memoised(programRuns, key, () => runProgram({ ...options, config })));
}

/** A run's plan.json as `--against` reads it back: through JSON. */
export function asPrevious(run: ProgramRun): PlanDocument {
    return JSON.parse(JSON.stringify(planDocument({ run })));
}

/** The plan.json a config's plan leaves for the next `plan --against`. */
export async function previousPlan(config: Record<string, unknown>): Promise<PlanDocument> {
    return asPrevious((await planFor(config)).run);
}

/** The next `pulumi up`, from a stack deployed with `before` to `after`, as `plan --against` tells it. */
export async function diffOf(before: Record<string, unknown>, after: Record<string, unknown>): Promise<DiffResult> {
    return diffPlans(await previousPlan(before), (await planFor(after)).run);
}

const stackPlans = new Map<string, Promise<PlanResult>>();

/** `plan(stack)` of a stack file, evaluated once per process while the file stays the same. */
export function stackPlan(stack: string): Promise<PlanResult> {
    return memoised(stackPlans, `${stack}\n${readFileSync(stackFile(stack), "utf8")}`, () => plan(stack));
}

/** A planned workload's pod spec, and its first container (the agent's, in an agent Deployment). */
export const podSpec = (workload: RecordedResource) => workload.inputs.spec.template.spec;
export const container = (workload: RecordedResource) => podSpec(workload).containers[0];

/** An agent's non-secret environment: its AgentWorkload's ConfigMap. */
export function agentEnv(plan: Plan, agent = "research-agent"): Record<string, string> {
    return plan.one(CONFIG_MAP, `${agent}-config`).inputs.data;
}

/**
 * A stack file for a test of the command line, written into the project as a user would have it
 * (keys without a namespace belong to the project). Named `test-<purpose>-<pid>`; remove it after.
 */
export function temporaryStack(purpose: string, config: Record<string, unknown>): { stack: string; remove(): void } {
    const stack = `test-${purpose}-${process.pid}`;
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    const qualified = Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `${PROJECT}:${k}`, v]));
    writeFileSync(file, stringify({ config: qualified }));
    return { stack, remove: () => rmSync(file, { force: true }) };
}

/** The command `npm run plan` runs (package.json scripts.plan), without npm's own start-up. */
export function planCommand(): [string, string[]] {
    const [command, ...args] = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { plan: string } }).scripts.plan.split(" ");
    assert.equal(command, "node", "scripts.plan runs node");
    return [process.execPath, args];
}

/** Runs `npm run plan` the way a user does; resolves with the exit code instead of throwing. */
export async function planCli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const [command, script] = planCommand();
    try {
        const { stdout, stderr } = await run(command, [...script, ...args], { cwd: ROOT });
        return { code: 0, stdout, stderr };
    } catch (err) {
        const e = err as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
}
