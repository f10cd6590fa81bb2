// Runs the CrossGuard pack's policies (policy/) over a recorded program run, the way the Pulumi
// engine hands them the resources during `pulumi preview --policy-pack policy` or `pulumi up`:
// resource policies get each resource's checked inputs, stack policies its outputs
// (pulumi/pulumi pkg/resource/deploy/step_generator.go: `analyzeAll` passes `inputs`,
// `AnalyzeResources` passes `v.Outputs`). Secret values read "[secret]". In a preview run, what
// the engine does not know yet is unknown, and a policy that reads it is reported the way
// @pulumi/policy's server does (`can't run ... during preview`), downgraded to advisory.
import type {
    PolicyResource, ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy,
} from "@pulumi/policy";
import * as path from "node:path";
import { POLICIES } from "../policy/all";
import { computedOutputs } from "./engine/computedOutputs";
import type { AdkPolicy } from "../policy/lib";
import { ProgramRun, RecordedResource, UNKNOWN } from "../test/harness";

export interface PolicyViolation {
    policy: string;
    enforcementLevel: string;
    message: string;
    /** The resource the violation is about; undefined for a stack-wide finding. */
    resource?: { urn: string; type: string; name: string };
    /**
     * The policy read a value that is unknown during a preview, so the engine could not run it and
     * downgraded it to advisory: with the level the policy was meant to have.
     */
    unknownInPreview?: { intendedLevel: string };
}

// The pack's own copy of @pulumi/policy (policy/ is an npm package of its own): the proxy and the
// UnknownValueError that its policies catch must be the same classes.
const { unknownCheckingProxy, UnknownValueError } = require(require.resolve("@pulumi/policy", { paths: [path.join(__dirname, "..", "policy")] })) as typeof import("@pulumi/policy");

class NotApplicable extends Error {}

/** Configuration a policy would get from an empty pack config: the defaults of its schema. */
function configOf(policy: AdkPolicy): any {
    const properties = policy.configSchema?.properties ?? {};
    return Object.fromEntries(Object.entries(properties).filter(([, p]) => p.default !== undefined).map(([k, p]) => [k, p.default]));
}

type Scope = "resource" | "stack";

/**
 * Kubernetes objects' inputs are what the provider's Check leaves, with auto-names filled in, and
 * so is their preview state; a cloud resource's inputs are the program's.
 */
function propsOf(record: RecordedResource, scope: Scope, preview: boolean): Record<string, any> {
    const kubernetes = record.type.startsWith("kubernetes:");
    const props = scope === "stack" || kubernetes ? record.state : record.inputs;
    if (!preview) return props;
    // A bridged provider previews a create with its computed attributes unknown
    // (pulumi-terraform-bridge `PlanResourceChange`): to a stack policy, such an output that the
    // program did not set itself is unknown until the cloud answers.
    const outputs = scope === "stack" && !kubernetes ? withComputedUnknown(record.type, props) : props;
    return unknownCheckingProxy(outputs);
}

function withComputedUnknown(type: string, props: Record<string, any>): Record<string, any> {
    const computed = computedOutputs(type);
    return new Proxy(props, {
        get: (target, key) => typeof key === "string" && !(key in target) && computed.has(key) ? UNKNOWN : target[key as string],
    });
}

export function policyResources(run: ProgramRun, scope: Scope): PolicyResource[] {
    const custom = run.resources.filter((r) => r.custom);
    const byUrn = new Map<string, PolicyResource>();
    for (const record of custom) {
        const props = propsOf(record, scope, run.preview);
        const resource: PolicyResource = {
            type: record.type,
            props,
            urn: record.urn,
            name: record.name,
            opts: { protect: record.protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: record.parent ?? undefined },
            dependencies: [],
            propertyDependencies: {},
            isType: (cls: any) => cls.__pulumiType === record.type,
            asType: (cls: any) => (cls.__pulumiType === record.type ? props : undefined) as any,
        };
        byUrn.set(record.urn, resource);
    }
    for (const record of custom) {
        const resource = byUrn.get(record.urn)!;
        const provider = record.provider ? byUrn.get(record.provider) : undefined;
        if (provider) resource.provider = { type: provider.type, props: provider.props, urn: provider.urn, name: provider.name };
        if (record.parent) resource.parent = byUrn.get(record.parent);
        for (const [key, urns] of Object.entries(record.propertyDependencies)) {
            resource.propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter((r): r is PolicyResource => r !== undefined);
        }
        resource.dependencies = [...new Set(Object.values(resource.propertyDependencies).flat())];
    }
    return [...byUrn.values()];
}

type Found = { message: string; urn?: string; unknown?: boolean };

async function collect(run: (report: ReportViolation) => Promise<void> | void): Promise<Found[]> {
    const found: Found[] = [];
    try {
        await run((message, urn) => found.push({ message, urn }));
    } catch (err) {
        if (err instanceof UnknownValueError) return [{ message: `can't run during preview: ${(err as Error).message}`, unknown: true }];
        if (!(err instanceof NotApplicable)) throw err;
    }
    return found;
}

/** Every violation of every enabled policy, resources in registration order, then stack policies. */
export async function evaluatePolicies(run: ProgramRun, policies: AdkPolicy[] = POLICIES): Promise<PolicyViolation[]> {
    const inputs = policyResources(run, "resource");
    const outputs = policyResources(run, "stack");
    const byUrn = new Map(inputs.map((r) => [r.urn, r]));
    const describe = (urn?: string) => {
        const r = urn ? byUrn.get(urn) : undefined;
        return r && { urn: r.urn, type: r.type, name: r.name };
    };
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    const violations: PolicyViolation[] = [];
    for (const policy of policies) {
        const enforcementLevel = policy.enforcementLevel ?? "advisory";
        if (enforcementLevel === "disabled") continue;
        const add = (found: Found[], fallback?: string) => violations.push(...found.map((f) => ({
            policy: policy.name,
            message: f.message,
            resource: describe(f.urn ?? fallback),
            ...(f.unknown ? { enforcementLevel: "advisory", unknownInPreview: { intendedLevel: enforcementLevel } } : { enforcementLevel }),
        })));
        const config = configOf(policy);
        if ("validateStack" in policy) {
            const stackPolicy = policy as StackValidationPolicy;
            add(await collect((report) => stackPolicy.validateStack({ resources: outputs, stackTags: new Map(), getConfig: () => config, notApplicable }, report)));
            continue;
        }
        const validations = ([] as ResourceValidation[]).concat((policy as ResourceValidationPolicy).validateResource ?? []);
        for (const resource of inputs) {
            const args: ResourceValidationArgs = {
                type: resource.type, props: resource.props, urn: resource.urn, name: resource.name, opts: resource.opts, provider: resource.provider,
                isType: resource.isType, asType: resource.asType as ResourceValidationArgs["asType"], stackTags: new Map(), getConfig: () => config, notApplicable,
            };
            for (const validate of validations) add(await collect((report) => validate(args, report)), resource.urn);
        }
    }
    return violations;
}

export function formatViolation(v: PolicyViolation): string {
    const where = v.resource ? `${v.resource.type} ${v.resource.name}` : "stack";
    return `[${v.enforcementLevel}] ${v.policy}: ${where}: ${v.message}`;
}
