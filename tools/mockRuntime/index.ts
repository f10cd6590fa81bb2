// The one mock runtime of the project: unit tests and the offline `plan` command both run
// `index.ts` through it. It answers resource registrations like a provider would (ids, ARNs,
// auto-names), records every registration with its parent, and refuses invokes it does not know,
// so that a new data-source lookup cannot slip through with an invented answer.
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../config";
import { aliasUrns, generateUrn } from "../engine/urns";
import { formatViolation, NameDriver, nameDrivers, NamingViolation, physicalName } from "../engine/naming";
import { ACCOUNT, COMPUTED, INVOKES } from "./mocks";

export const SECRET = "[secret]";
/**
 * How a value the engine does not know yet is written in a preview's records: the SDK's own
 * sentinel (`@pulumi/pulumi` runtime/rpc.ts `unknownValue`), which is also the string that
 * CrossGuard's `unknownCheckingProxy` recognises as an unknown string (`@pulumi/policy` proxy.ts).
 */
export const UNKNOWN = pulumi.runtime.unknownValue;

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent, or null at the top of the program. */
    parent: string | null;
    custom: boolean;
    /** URN of the explicit provider reference the resource was registered with, if any. */
    provider: string | null;
    /** The `protect` option (policies require it on prod's stateful resources). */
    protect: boolean;
    /** The `replaceOnChanges` option: property paths whose change replaces the resource. */
    replaceOnChanges: string[];
    /** The `ignoreChanges` option: property paths whose new value the engine does not apply once the resource exists. */
    ignoreChanges: string[];
    /** The `aliases` option as the URNs the engine would look the resource up by when its own is not deployed. */
    aliases: string[];
    /** The `deleteBeforeReplace` option; unset leaves the choice to the provider. */
    deleteBeforeReplace?: boolean;
    /** Per input property, the URNs of the resources its value came from (policies link resources by them). */
    propertyDependencies: Record<string, string[]>;
    /** URNs the resource waits for: `dependsOn` and every input's sources, as the engine orders them. */
    dependencies: string[];
    /** Inputs as the engine would see them, with every secret value replaced by "[secret]". */
    inputs: Record<string, any>;
    /** The id the mock provider answered ("" until it has). */
    id: string;
    /** What the mock provider answered (inputs plus ids, ARNs, auto-names), redacted the same way. */
    state: Record<string, any>;
}

export interface ProgramRun {
    stack: string;
    /** Evaluated as `pulumi preview` does on a new stack: provider-computed outputs unknown. */
    preview: boolean;
    resources: RecordedResource[];
    /** Stack outputs; a secret output reads "[secret]". */
    outputs: Record<string, unknown>;
    /** Physical names the clouds or the API server would refuse (tools/engine/naming.ts), one line each. */
    namingProblems: string[];
}

export interface RunOptions {
    stack?: string;
    /** Config values; keys without a namespace belong to the project. Objects are JSON-encoded. */
    config: Record<string, unknown>;
    /** Keys (same spelling as in `config`) whose values are secret. */
    secretKeys?: string[];
    /** Run as the first `pulumi preview` of the stack would, rather than as `pulumi up`. */
    preview?: boolean;
    /** The program's entry point as `pulumi up` loads it (package.json "main"); index.ts when unset. */
    main?: string;
}

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

function encodeConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(config).map(([key, value]) => [
        key.includes(":") ? key : `${PROJECT}:${key}`,
        typeof value === "string" ? value : JSON.stringify(value),
    ]));
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
 * Runs `index.ts` on the mocks for one stack and config. Rejects with the program's error (a
 * ConfigError for bad configuration) exactly as `pulumi up` would fail.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
    const stack = options.stack ?? "test";
    const config = encodeConfig(options.config);
    region = config["aws:region"] ?? config["gcp:region"] ?? "us-east-1";
    dryRun = options.preview ?? false;
    await pulumi.runtime.setMocks(mocks, PROJECT, stack, dryRun);
    recordRegistrations();
    recorded = [];
    namingViolations = [];
    drivers = nameDrivers(stack, config);
    pulumi.runtime.setAllConfig(config, Object.keys(encodeConfig(Object.fromEntries((options.secretKeys ?? []).map((k) => [k, ""])))));
    // require, not import(): the program is CommonJS under both mocha and tsx, and stays cached
    // between runs; each run calls its exported function afresh.
    // A literal path for the sources, which a bundle (tools/launch.js) then contains.
    const program = (options.main === undefined ? require("../../index") : require(options.main)) as () => Promise<Record<string, unknown>>;
    const run = recorded;
    // The SDK reads a full stack for every resource it registers (@pulumi/pulumi resource.ts
    // `Resource.callsites`, stackTraceLimit raised to Infinity); under a loader with source maps
    // (tsx in mocha) mapping each frame was most of a run's time. Nothing here reads those
    // positions, and an error's stack is mapped when it is printed, after the run.
    const sourceMaps = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    try {
        const outputs = await resolveOutputs(await program());
        await waitForRPCs();
        return { stack, preview: dryRun, resources: run, outputs, namingProblems: namingProblems() };
    } finally {
        process.setSourceMapsEnabled(sourceMaps);
    }
}

/** Lookups over a run, so that tests read as statements about the plan. */
export class Plan {
    constructor(readonly run: ProgramRun) {}

    get resources(): RecordedResource[] {
        return this.run.resources;
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource of a type with the given logical name; throws when there is not exactly one. */
    one(type: string, name: string): RecordedResource {
        const found = this.ofType(type).filter((r) => r.name === name);
        if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${this.ofType(type).map((r) => r.name).join(", ")}`);
        return found[0];
    }

    childrenOf(urn: string): RecordedResource[] {
        return this.resources.filter((r) => r.parent === urn);
    }
}
