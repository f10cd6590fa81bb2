// The one mock runtime of the project: unit tests and the offline `plan` command both run
// `index.ts` through it, and component tests the components they construct. It answers resource
// registrations like a provider would (ids, ARNs, auto-names), records every registration with its
// parent, and refuses invokes it does not know, so that a new data-source lookup cannot slip
// through with an invented answer.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../config";
import { aliasUrns, generateUrn } from "../engine/urns";
import { formatViolation, NameDriver, nameDrivers, NamingViolation, physicalName } from "../engine/naming";
import { ACCOUNT, COMPUTED, INVOKES } from "./mocks";
import { type ComponentRunOptions, type ProgramRun, type RecordedResource, type RunOptions, SECRET } from "./records";

/**
 * How a value the engine does not know yet is written in a preview's records: the SDK's own
 * sentinel (`@pulumi/pulumi` runtime/rpc.ts `unknownValue`), which is also the string that
 * CrossGuard's `unknownCheckingProxy` recognises as an unknown string (`@pulumi/policy` proxy.ts).
 */
export const UNKNOWN = pulumi.runtime.unknownValue;

export { type ComponentRunOptions, type ProgramRun, type RecordedResource, type RunOptions, SECRET } from "./records";

/** What a provider would return: the inputs plus ids, ARNs and physical names (auto-names filled in). */
function stateFor(type: string, name: string, inputs: Record<string, any>, region: string): Record<string, unknown> {
    const state: Record<string, any> = { ...inputs };
    const [pkg, module] = type.split(":");
    // Named as the provider would name it; a name the cloud would refuse fails the plan, not the mock.
    const named = physicalName(type, name, inputs);
    if (named.violation) namingViolations.push(named.violation);
    if (named.name?.property === "metadata.name") state.metadata = { ...state.metadata, name: named.name.value };
    else if (named.name) state[named.name.property] = named.name.value;
    if (pkg === "aws") {
        const service = module.split("/")[0];
        state.arn ??= `arn:aws:${service}:${region}:${ACCOUNT}:${type.split(":")[2].toLowerCase()}/${name}`;
    }
    if (pkg === "gcp") {
        state.name ??= name;
        state.selfLink ??= `https://www.googleapis.com/compute/v1/projects/mock-project/global/${module.split("/")[1] ?? module}/${state.name}`;
    }
    return { ...state, ...COMPUTED[type]?.(name, inputs, region) };
}

function isSecretValue(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null
        && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;
}

/** Every leaf replaced by "[secret]": the shape (a Secret's keys) stays readable, no value does. */
function maskLeaves(value: unknown): any {
    if (Array.isArray(value)) return value.map(maskLeaves);
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskLeaves(v)]));
    return SECRET;
}

/** Replaces secret values by "[secret]", unknowns by UNKNOWN and resource references by their URN. */
export function redact(value: unknown): any {
    if (pulumi.isUnknown(value)) return UNKNOWN;
    if (isSecretValue(value)) return maskLeaves(value.value);
    if (Array.isArray(value)) return value.map(redact);
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialResourceSig) return record.urn;
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, redact(v)]));
    }
    return value;
}

/**
 * What a provider answers when the engine previews the creation of a resource: its checked inputs
 * (auto-names included: providers fill them in Check) with every output it computes itself
 * unknown, and no id. The Terraform bridge previews a create this way
 * (pulumi-terraform-bridge pkg/tfbridge/provider.go `Create` with `preview`: planned state, computed
 * attributes unknown), and pulumi-kubernetes returns the checked object.
 */
function previewStateFor(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    const state = stateFor(type, name, inputs, region);
    // Auto-naming fills the physical name during Check, so a preview knows it.
    const autoNamed = physicalName(type, name, inputs).name?.property.split(".")[0];
    return Object.fromEntries(Object.entries(state).map(([key, value]) =>
        [key, key in inputs || key === autoNamed ? value : UNKNOWN]));
}

let recorded: RecordedResource[] = [];
let region = "us-east-1";
let dryRun = false;
let namingViolations: NamingViolation[] = [];
let drivers: NameDriver[] = [];

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => !args.custom ? { id: `${args.name}-id`, state: args.inputs }
        : dryRun ? { id: undefined, state: previewStateFor(args.type, args.name, args.inputs) }
            : { id: `${args.name}-id`, state: stateFor(args.type, args.name, args.inputs, region) },
    call: (args) => {
        const answer = INVOKES[args.token];
        if (answer === undefined) throw new Error(`test harness: no mock for invoke ${args.token}; add one to tools/mockRuntime/index.ts`);
        return answer(args.inputs, region);
    },
};

/**
 * Wraps the mock monitor so that every registration is recorded in order, with its parent, which
 * the Mocks interface does not show.
 */
function recordRegistrations(): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: any, callback: (err: unknown, res: any) => void): void;
        newUrn(parent: string, type: string, name: string): string;
    };
    monitor.newUrn = (parent, type, name) => generateUrn(parent, type, name, PROJECT, pulumi.getStack());
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        const record: RecordedResource = {
            urn: "",
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || null,
            custom: req.getCustom(),
            provider: providerUrn(req.getProvider()),
            protect: req.getProtect() ?? false,
            replaceOnChanges: req.getReplaceonchangesList(),
            ignoreChanges: req.getIgnorechangesList(),
            aliases: aliasUrns(req.getAliasesList(), { name: req.getName(), type: req.getType(), parent: req.getParent() || null }, PROJECT, pulumi.getStack()),
            // Only a set option overrides the provider (the request says whether it was set).
            deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
            propertyDependencies: propertyDependencies(req.getPropertydependenciesMap()),
            dependencies: req.getDependenciesList(),
            // The wire form, not the SDK's deserialization, which lifts a nested secret to the
            // whole top-level property (runtime/rpc.ts deserializeProperty: "push secretness up to
            // the top level"): the engine keeps secretness where the program put it, on the leaf.
            inputs: redact(req.getObject().toJavaScript()),
            id: "",
            state: {},
        };
        recorded.push(record);
        register(req, (err, res) => {
            if (res) {
                record.urn = res.getUrn();
                record.id = res.getId();
                record.state = echoedState(res.getObject().toJavaScript(), record.inputs);
            }
            callback(err, res);
        });
    };
}

/**
 * The provider's answer, redacted. The mock provider echoes inputs that Pulumi's mock monitor has
 * already deserialized, which made a whole property secret for one secret leaf; where it echoes
 * such a property, the inputs' leaf-level secretness is kept instead.
 */
function echoedState(state: Record<string, unknown>, inputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(state).map(([key, value]) =>
        [key, isSecretValue(value) && key in inputs ? inputs[key] : redact(value)]));
}

function propertyDependencies(map: { forEach(fn: (deps: { getUrnsList(): string[] }, key: string) => void): void }): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    map.forEach((deps, key) => {
        result[key] = deps.getUrnsList();
    });
    return result;
}

/** A provider reference is "<urn>::<id>". */
function providerUrn(reference: string): string | null {
    return reference ? reference.slice(0, reference.lastIndexOf("::")) : null;
}

/** A key without a namespace is the project's. */
function qualified(key: string): string {
    return key.includes(":") ? key : `${PROJECT}:${key}`;
}

function encodeConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [qualified(key), typeof value === "string" ? value : JSON.stringify(value)]));
}

// Internal to the SDK (not in its typings): resolves once every pending registration has finished.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

/** What the last run registered so far; after a failed run, proof of what got through. */
export function registrations(): readonly RecordedResource[] {
    return recorded;
}

/** The last run's invalid physical names so far, each with the configuration key that drives it. */
export function namingProblems(): string[] {
    return namingViolations.map((v) => formatViolation(v, drivers));
}

/** Resolves an Output (or plain value) to its value. */
export function unwrap<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v)));
}

// Internal to the SDK (`OutputImpl.promise`): the value with unknowns kept, which `apply` never
// hands over during a preview.
type OutputInternals = { promise(withUnknowns?: boolean): Promise<unknown>; isKnown: Promise<boolean> };

async function resolveOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(outputs ?? {})) {
        const output = pulumi.output(value) as unknown as pulumi.Output<unknown> & OutputInternals;
        if (await pulumi.isSecret(output)) resolved[key] = SECRET;
        else {
            const [known, settled] = await Promise.all([output.isKnown, output.promise(true)]);
            resolved[key] = !known && settled === undefined ? UNKNOWN : redact(settled);
        }
    }
    return resolved;
}

/**
 * Runs `build` on freshly set mocks for one stack and config, as the engine runs a program:
 * records what it registers, resolves what it returns (a record, or nothing) as stack outputs,
 * and waits for every registration to finish. Component tests construct their component in
 * `build` with its typed args and providers of their own; `runProgram` passes the whole program.
 * The cloud region the mocks answer with is the config's `aws:region` or `gcp:region`.
 */
export async function runComponents(build: () => unknown, options: ComponentRunOptions = {}): Promise<ProgramRun> {
    const stack = options.stack ?? "test";
    const config = encodeConfig(options.config ?? {});
    region = config["aws:region"] ?? config["gcp:region"] ?? "us-east-1";
    dryRun = options.preview ?? false;
    await pulumi.runtime.setMocks(mocks, PROJECT, stack, dryRun);
    recordRegistrations();
    recorded = [];
    namingViolations = [];
    drivers = nameDrivers(stack, config);
    pulumi.runtime.setAllConfig(config, (options.secretKeys ?? []).map(qualified));
    const run = recorded;
    // The SDK reads a full stack for every resource it registers (@pulumi/pulumi resource.ts
    // `Resource.callsites`, stackTraceLimit raised to Infinity); under a loader with source maps
    // (tsx in mocha) mapping each frame was most of a run's time. Nothing here reads those
    // positions, and an error's stack is mapped when it is printed, after the run.
    const sourceMaps = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    try {
        const outputs = await resolveOutputs((await build() ?? {}) as Record<string, unknown>);
        await waitForRPCs();
        return { stack, preview: dryRun, resources: run, outputs, namingProblems: namingProblems() };
    } finally {
        process.setSourceMapsEnabled(sourceMaps);
    }
}

/**
 * Runs `index.ts` on the mocks for one stack and config. Rejects with the program's error (a
 * ConfigError for bad configuration) exactly as `pulumi up` would fail.
 */
export function runProgram(options: RunOptions): Promise<ProgramRun> {
    // require, not import(): the program is CommonJS under both mocha and tsx, and stays cached
    // between runs; each run calls its exported function afresh.
    // A literal path for the sources, which a bundle (tools/launch.js) then contains.
    const program = () => (options.main === undefined ? require("../../index") : require(options.main)) as () => Promise<Record<string, unknown>>;
    return runComponents(() => program()(), options);
}

export { Plan } from "./plan";
