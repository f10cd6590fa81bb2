// What the policies share: how a policy names its compliance controls, where a workload keeps its
// pod spec, and which environment and tags a resource ends up with (its own, or its provider's
// defaults). Only @pulumi/policy at run time, so that the pack loads without the cloud SDKs.
import type {
    PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy,
} from "@pulumi/policy";
import { NODE_AGENT, PROFILE_LABEL } from "./labels";

// From the module that defines it (its typings are stripped), rather than the package's index,
// which loads the policy server and with it a second @pulumi/pulumi and TypeScript into the
// offline plan (policy/node_modules).
const { UnknownValueError } = require("@pulumi/policy/proxy") as Pick<typeof import("@pulumi/policy"), "UnknownValueError">;

export { NODE_AGENT, PROFILE_LABEL, PUBLIC_ROUTE_LABEL } from "./labels";

/** The controls a policy serves, by framework (SOC 2, GDPR, HIPAA, PCI-DSS). */
export interface Controls {
    soc2: string[];
    gdpr: string[];
    hipaa: string[];
    pciDss: string[];
}

export type AdkPolicy = (ResourceValidationPolicy | StackValidationPolicy) & { controls: Controls };

export const FRAMEWORK_NAMES: Record<keyof Controls, string> = { soc2: "SOC 2", gdpr: "GDPR", hipaa: "HIPAA", pciDss: "PCI-DSS" };

/** Mandatory unless said otherwise; the controls also go into the tags, which the Pulumi Cloud console shows. */
export function define<P extends AdkPolicy>(policy: P): P {
    const tags = (Object.keys(FRAMEWORK_NAMES) as (keyof Controls)[]).flatMap((f) => policy.controls[f].map((c) => `${FRAMEWORK_NAMES[f]} ${c}`));
    return { ...policy, enforcementLevel: policy.enforcementLevel ?? "mandatory", tags: [...(policy.tags ?? []), ...tags] };
}

/**
 * Whether the program gave a property a value, known or not. During a preview a value that the
 * cloud computes (a new key's ARN) is unknown, and reading it throws UnknownValueError, which the
 * engine turns into "can't run during preview" and an advisory finding: a policy that only needs
 * to know that the value is set asks this instead, and keeps its enforcement level.
 */
export function isSet(read: () => unknown): boolean {
    try {
        return Boolean(read());
    } catch (err) {
        if (err instanceof UnknownValueError) return true;
        throw err;
    }
}

/** A resource as both resource and stack policies see it. */
export type Subject = Pick<ResourceValidationArgs, "type" | "props" | "urn" | "name"> & { provider?: { type: string; props: Record<string, any> } };

/** Runs `check` for resources of the given type tokens only. */
export function forTypes(types: string[], check: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void) {
    return (args: ResourceValidationArgs, report: ReportViolation) => {
        if (types.includes(args.type)) check(args.props, args, report);
    };
}

export function ofType(args: StackValidationArgs, ...types: string[]): PolicyResource[] {
    return args.resources.filter((r) => types.includes(r.type));
}

export const WORKLOAD_TYPES = [
    "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:ReplicaSet",
    "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob", "kubernetes:core/v1:Pod",
];

/** A check of every workload's pod spec: a Pod's own, or its controller's pod template. */
export function forPodSpecs(check: (spec: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void) {
    return forTypes(WORKLOAD_TYPES, (props, args, report) => {
        const spec = podSpecOf(args.type, props);
        if (spec) check(spec, args, report);
    });
}

export function isNodeAgent(labels: Record<string, string> | undefined): boolean {
    return labels?.[PROFILE_LABEL] === NODE_AGENT;
}

/** A workload's pod template (metadata and spec), wherever its kind keeps it: a Pod is its own. */
function podTemplateOf(type: string, props: Record<string, any>): Record<string, any> | undefined {
    if (type === "kubernetes:core/v1:Pod") return props;
    if (type === "kubernetes:batch/v1:CronJob") return props.spec?.jobTemplate?.spec?.template;
    return props.spec?.template;
}

/** Labels of a workload's pods. */
export function podLabelsOf(type: string, props: Record<string, any>): Record<string, string> | undefined {
    return podTemplateOf(type, props)?.metadata?.labels;
}

/** The pod spec of a workload, wherever its kind keeps it. */
export function podSpecOf(type: string, props: Record<string, any>): Record<string, any> | undefined {
    return podTemplateOf(type, props)?.spec;
}

export function containersOf(spec: Record<string, any>, { init = true } = {}): Record<string, any>[] {
    return [...(spec.containers ?? []), ...(init ? [...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])] : [])];
}

/** Provider settings arrive as objects from the mocks and as JSON text from the engine. */
function providerSetting(provider: Subject["provider"], key: string): any {
    const value = provider?.props?.[key];
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

/** Tags or labels the resource will carry: its provider's defaults overlaid by its own. */
export function effectiveTags(subject: Subject): Record<string, string> {
    const [pkg] = subject.type.split(":");
    const props = subject.props ?? {};
    if (pkg === "kubernetes") return props.metadata?.labels ?? {};
    const defaults = pkg === "aws" ? providerSetting(subject.provider, "defaultTags")?.tags : pkg === "gcp" ? providerSetting(subject.provider, "defaultLabels") : undefined;
    return { ...defaults, ...(props.tags ?? props.labels ?? {}) };
}

/** The stack's environment as the resource's tags tell it; policies that only bind prod use this. */
export function environmentOf(subject: Subject): string | undefined {
    return effectiveTags(subject).environment;
}

export function isProd(subject: Subject): boolean {
    return environmentOf(subject) === "prod";
}

/** Seconds in a Google duration string ("7776000s"). */
export function seconds(duration: unknown): number | undefined {
    const match = typeof duration === "string" ? /^(\d+(\.\d+)?)s$/.exec(duration) : null;
    return match ? Number(match[1]) : undefined;
}

export const DAY = 86400;

/** The resources a property of `resource` was computed from (an association's target, a secret's key). */
export function dependenciesOf(resource: PolicyResource, property: string): PolicyResource[] {
    return resource.propertyDependencies?.[property] ?? [];
}
