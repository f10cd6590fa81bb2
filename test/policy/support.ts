// What the policy tests share: resources as the mock runtime records them, providers with default
// tags or labels, the agent Deployment as planned, and the pack's adapter run on one policy.
import assert from "node:assert/strict";
import type { AdkPolicy } from "../../policy/lib";
import { Plan, ProgramRun, RecordedResource } from "../../tools/mockRuntime";
import { evaluatePolicies } from "../../tools/policies";
import { awsStack, planFor } from "../fixtures";

export const TAGS = { environment: "dev", "data-classification": "internal", owner: "team-a", "cost-centre": "cc-1" };
export const PROD_TAGS = { ...TAGS, environment: "prod" };

let counter = 0;
/** A recorded resource as the harness would record it; Kubernetes objects are judged by their state. */
export function res(type: string, props: Record<string, any>, extra: Partial<RecordedResource> = {}): RecordedResource {
    const name = extra.name ?? `r${++counter}`;
    return {
        urn: `urn:pulumi:test::adk-platform::${type}::${name}`, type, name, parent: null, custom: true, provider: null,
        protect: false, replaceOnChanges: [], ignoreChanges: [], aliases: [], propertyDependencies: {}, dependencies: [], inputs: props, id: `${name}-id`, state: props, ...extra,
    };
}

export const awsProvider = (tags: Record<string, string>) => res("pulumi:providers:aws", { region: "eu-west-1", defaultTags: { tags } }, { name: `aws-${tags.environment}` });
export const gcpProvider = (labels: Record<string, string>) => res("pulumi:providers:gcp", { project: "p", defaultLabels: labels }, { name: `gcp-${labels.environment}` });
/** An AWS resource created through a provider with the given default tags. */
export const viaAws = (provider: RecordedResource, type: string, props: Record<string, any>, extra: Partial<RecordedResource> = {}) => res(type, props, { provider: provider.urn, ...extra });
export const dependsOn = (deps: Record<string, RecordedResource[]>) => ({ propertyDependencies: Object.fromEntries(Object.entries(deps).map(([k, rs]) => [k, rs.map((r) => r.urn)])) });

async function verdicts(preview: boolean, policy: AdkPolicy, resources: RecordedResource[]): Promise<string[]> {
    const run: ProgramRun = { stack: "test", preview, resources, outputs: {}, namingProblems: [] };
    return (await evaluatePolicies(run, [policy])).map((v) => v.message);
}

export const messages = (policy: AdkPolicy, ...resources: RecordedResource[]) => verdicts(false, policy, resources);
/** The policy's messages in a preview, where outputs the provider has not computed yet are unknown. */
export const previewMessages = (policy: AdkPolicy, ...resources: RecordedResource[]) => verdicts(true, policy, resources);

export async function assertPasses(policy: AdkPolicy, ...resources: RecordedResource[]) {
    assert.deepEqual(await messages(policy, ...resources), []);
}

export async function assertViolates(policy: AdkPolicy, pattern: RegExp, ...resources: RecordedResource[]) {
    const found = await messages(policy, ...resources);
    assert.ok(found.some((m) => pattern.test(m)), `expected a violation matching ${pattern}, got ${JSON.stringify(found)}`);
}

export const clone = <T>(value: T): T => structuredClone(value);

/** A plan of the smallest AWS stack, and its agent Deployment: the passing case the workload policies start from. */
export async function plannedAgent(): Promise<{ plan: Plan; deployment: RecordedResource }> {
    const plan = await planFor(awsStack());
    return { plan, deployment: plan.one("kubernetes:apps/v1:Deployment", "research-agent-stable") };
}
