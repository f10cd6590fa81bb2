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
import { leaves } from "./engine/propertyPaths";
import { formatKey } from "../config/errors";
import type { AdkPolicy } from "../policy/lib";
import { PROJECT } from "../config";
import { ProgramRun, RecordedResource, SECRET, UNKNOWN } from "./mockRuntime";

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
    /** The stack's config keys whose values decided what the policy judged, when there are. */
    configKeys?: string[];
}

// The pack's own copy of @pulumi/policy (policy/ is an npm package of its own): the proxy and the
// UnknownValueError that its policies catch must be the same classes. Its proxy module only: the
// package's index loads the policy server, a second @pulumi/pulumi and TypeScript.
const { unknownCheckingProxy, UnknownValueError } = require(require.resolve("@pulumi/policy/proxy", { paths: [path.join(__dirname, "..", "policy")] })) as Pick<typeof import("@pulumi/policy"), "unknownCheckingProxy" | "UnknownValueError">;

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
    const keys = v.configKeys?.length ? ` (set by ${v.configKeys.join(", ")})` : "";
    return `[${v.enforcementLevel}] ${v.policy}: ${where}: ${v.message}${keys}`;
}

/**
 * Settings that a policy judges directly, for the policies a stack's own values can violate
 * (the presets never do): the key is named when the stack set it.
 */
const SWITCHES: Record<string, string[]> = {
    "lb-deletion-protection-in-prod": ["loadBalancer.deletionProtection", "protect"],
    "lb-waf-in-prod": ["loadBalancer.waf"],
    "log-retention-prod": ["auditRetentionDays", "logRetentionDays"],
};

/**
 * A value specific enough that a message quoting it points at it: an image, a CIDR, an ARN or a
 * domain, not a word such as "prod" that any message may contain.
 */
function quotable(value: unknown): value is string {
    return typeof value === "string" && value.length >= 6 && /[^A-Za-z]/.test(value) && value !== SECRET;
}

/**
 * Names the stack config keys behind each violation: a key the policy judges directly and the
 * stack set, or a key whose text value the violation quotes (an image, a CIDR).
 */
export function attributeToConfig(violations: PolicyViolation[], stackConfig: Record<string, unknown>): PolicyViolation[] {
    // Every leaf of the stack's config with its full key (`adk-platform:agents[0].image`).
    const set = Object.entries(stackConfig).flatMap(([fullKey, value]) => {
        const [namespace, key] = fullKey.split(":", 2);
        return leaves(value, [key]).map(([path, leaf]) => [formatKey(namespace, path), leaf] as const);
    });
    return violations.map((v) => {
        const switches = (SWITCHES[v.policy] ?? []).map((k) => `${PROJECT}:${k}`);
        const keys = set.filter(([key, value]) =>
            switches.some((s) => key === s)
            || (quotable(value) && v.message.includes(value))).map(([key]) => key);
        return keys.length > 0 ? { ...v, configKeys: keys } : v;
    });
}
