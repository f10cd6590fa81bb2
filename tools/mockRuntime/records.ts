// What a run of the mock runtime records and returns.

/** How a secret value is written in records, plans and outputs: the shape stays, no value does. */
export const SECRET = "[secret]";

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

/** What a run of the mocks reads besides the function it runs. */
export interface ComponentRunOptions {
    stack?: string;
    /** Config values; keys without a namespace belong to the project. Objects are JSON-encoded. */
    config?: Record<string, unknown>;
    /** Keys (same spelling as in `config`) whose values are secret. */
    secretKeys?: string[];
    /** Run as the first `pulumi preview` of the stack would, rather than as `pulumi up`. */
    preview?: boolean;
}

export interface RunOptions extends ComponentRunOptions {
    config: Record<string, unknown>;
    /** The program's entry point as `pulumi up` loads it (package.json "main"); index.ts when unset. */
    main?: string;
}
