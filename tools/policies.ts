// Runs the CrossGuard pack's policies (policy/) over a recorded program run, the way the Pulumi
// engine would hand them the resources during `pulumi preview --policy-pack policy`: type, inputs
// as props, URN, name, options, provider and property dependencies. Secret inputs read "[secret]",
// as they do for a policy that looks at an unknown or secret value in a real preview.
import type {
    PolicyResource, ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy,
} from "@pulumi/policy";
import { POLICIES } from "../policy/all";
import type { AdkPolicy } from "../policy/lib";
import type { ProgramRun, RecordedResource } from "../test/harness";

export interface PolicyViolation {
    policy: string;
    enforcementLevel: string;
    message: string;
    /** The resource the violation is about; undefined for a stack-wide finding. */
    resource?: { urn: string; type: string; name: string };
}

class NotApplicable extends Error {}

/** Configuration a policy would get from an empty pack config: the defaults of its schema. */
function configOf(policy: AdkPolicy): any {
    const properties = policy.configSchema?.properties ?? {};
    return Object.fromEntries(Object.entries(properties).filter(([, p]) => p.default !== undefined).map(([k, p]) => [k, p.default]));
}

/**
 * Kubernetes objects are judged as the provider's Check leaves them, with auto-names filled in;
 * everything else by its inputs.
 */
function propsOf(record: RecordedResource): Record<string, any> {
    return record.type.startsWith("kubernetes:") ? record.state : record.inputs;
}

export function policyResources(run: ProgramRun): PolicyResource[] {
    const custom = run.resources.filter((r) => r.custom);
    const byUrn = new Map<string, PolicyResource>();
    for (const record of custom) {
        const resource: PolicyResource = {
            type: record.type,
            props: propsOf(record),
            urn: record.urn,
            name: record.name,
            opts: { protect: record.protect, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [], parent: record.parent ?? undefined },
            dependencies: [],
            propertyDependencies: {},
            isType: (cls: any) => cls.__pulumiType === record.type,
            asType: (cls: any) => (cls.__pulumiType === record.type ? propsOf(record) : undefined) as any,
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

async function collect(run: (report: ReportViolation) => Promise<void> | void): Promise<{ message: string; urn?: string }[]> {
    const found: { message: string; urn?: string }[] = [];
    try {
        await run((message, urn) => found.push({ message, urn }));
    } catch (err) {
        if (!(err instanceof NotApplicable)) throw err;
    }
    return found;
}

/** Every violation of every enabled policy, resources in registration order, then stack policies. */
export async function evaluatePolicies(run: ProgramRun, policies: AdkPolicy[] = POLICIES): Promise<PolicyViolation[]> {
    const resources = policyResources(run);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
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
        const add = (found: { message: string; urn?: string }[], fallback?: string) =>
            violations.push(...found.map((f) => ({ policy: policy.name, enforcementLevel, message: f.message, resource: describe(f.urn ?? fallback) })));
        const config = configOf(policy);
        if ("validateStack" in policy) {
            const stackPolicy = policy as StackValidationPolicy;
            add(await collect((report) => stackPolicy.validateStack({ resources, stackTags: new Map(), getConfig: () => config, notApplicable }, report)));
            continue;
        }
        const validations = ([] as ResourceValidation[]).concat((policy as ResourceValidationPolicy).validateResource ?? []);
        for (const resource of resources) {
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
