// Reads a stack's configuration the way the Pulumi CLI assembles it for `pulumi preview`, and
// refuses it wherever the CLI would, before the program runs: Pulumi.yaml's `config:` declarations,
// overlaid by Pulumi.<stack>.yaml. Every rule is re-stated from pulumi/pulumi at commit
// 1b5949891b3cefcb9974752b24a5ecef0acc86c8 and names the function it comes from; the README lists
// them. Encrypted (`secure:`) values cannot be decrypted without the stack's secrets provider: they
// become "[secret]", their keys are marked secret, and the CLI's checks of the decrypted value are
// made only as far as a ciphertext allows (its plaintext is some string).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../config/errors";
import { PROJECT } from "../config/project";
import { SECRET } from "./mockRuntime/records";

export interface StackConfig {
    config: Record<string, unknown>;
    secretKeys: string[];
}

export const ROOT = path.resolve(__dirname, "..");

/** The project schema's types: sdk/go/common/workspace/project.json `simpleConfigType`. */
const TYPES = ["string", "integer", "boolean", "array", "object"];
/** The attributes of a declaration: project.json `configTypeDeclaration` (`additionalProperties: false`). */
const ATTRIBUTES = ["type", "items", "description", "secret", "default", "value"];

/** In a value as the CLI would type-check it, a ciphertext: its plaintext is a string the plan cannot read. */
const CIPHERTEXT = Symbol("ciphertext");

interface ItemsType {
    type: string;
    items?: ItemsType;
}

/** sdk/go/common/workspace/project.go ProjectConfigType. */
interface Declaration {
    type?: string;
    items?: ItemsType;
    secret?: boolean;
    default?: unknown;
    value?: unknown;
}

/** A config value: what the program is given, what the CLI type-checks, and whether it is stored encrypted. */
interface Stored {
    value: unknown;
    checked: unknown;
    secure: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A YAML mapping, or nothing; anything else cannot be loaded. */
function mapping(value: unknown, what: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (!isRecord(value)) throw new Error(`${what} must be a mapping`);
    return value;
}

/**
 * sdk/go/common/resource/config/key.go ParseKey: `<namespace>:<name>`, or the older
 * `<namespace>:config:<name>` for the same key; any other number of colons is no key.
 */
function parseKey(text: string): string | undefined {
    const parts = text.split(":");
    if (parts.length === 2) return text;
    if (parts.length === 3 && parts[1] === "config") return `${parts[0]}:${parts[2]}`;
    return undefined;
}

function keyError(text: string): string {
    return `could not parse ${text} as a configuration key (configuration keys should be of the form \`<namespace>:<name>\`)`;
}

/**
 * A key without a namespace belongs to the project: pkg/workspace/config.go parseConfigKey for
 * Pulumi.yaml, sdk/go/common/workspace/loaders.go stackConfigNamespacedWithProject for stack files.
 */
function qualify(text: string): string | undefined {
    return text.includes(":") ? parseKey(text) : `${PROJECT}:${text}`;
}

/** sdk/go/common/workspace/project.go configKeyIsNamespacedByProject. */
function namespacedByProject(key: string): boolean {
    return !key.includes(":") || key.startsWith(`${PROJECT}:`);
}

/** The JSON type of a value, as the schema validator names it. */
function jsonType(value: unknown): string {
    if (value === null || value === undefined) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

/** sdk/go/common/workspace/project.go InferFullTypeName. */
function fullTypeName(type: string, items: ItemsType | undefined): string {
    return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/**
 * sdk/go/common/workspace/project.go ValidateConfigValue: integers may be whole numbers or text
 * that strconv.Atoi reads, booleans may be the text "true" or "false", and an array needs `items`,
 * which every element must match. A ciphertext passes as a string, integer or boolean, which its
 * plaintext may be, and never as an object or array, which it is not.
 */
function matchesType(type: string, items: ItemsType | undefined, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string" || value === CIPHERTEXT;
        case "integer":
            return value === CIPHERTEXT || (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[+-]?\d+$/.test(value));
        case "boolean":
            return value === CIPHERTEXT || typeof value === "boolean" || value === "true" || value === "false";
        case "object":
            return isRecord(value);
        default:
            return Array.isArray(value) && items !== undefined && value.every((item) => matchesType(items.type, items.items, item));
    }
}

/** project.json `configItemsType`: a `type`, and `items` as well when that type is an array. */
function itemsProblems(items: unknown, at: string): string[] {
    if (!isRecord(items)) return [`${at}: expected object, but got ${jsonType(items)}`];
    const problems: string[] = [];
    if (items.type === undefined) problems.push(`${at}: missing properties: 'type'`);
    else if (typeof items.type !== "string" || !TYPES.includes(items.type)) problems.push(`${at}/type: value must be one of ${TYPES.map((t) => `"${t}"`).join(", ")}`);
    if (items.items !== undefined) problems.push(...itemsProblems(items.items, `${at}/items`));
    else if (items.type === "array") problems.push(`${at}: missing properties: 'items'`);
    return problems;
}

/**
 * sdk/go/common/workspace/project.go ValidateProject against project.json: a config entry is a
 * string, an integer, a boolean, an array (a shorthand value) or a declaration with only the
 * declaration's attributes, a known `type`, a string `description` and a boolean `secret`.
 */
function schemaProblems(key: string, raw: unknown): string[] {
    const at = `#/config/${key}`;
    if (typeof raw === "string" || typeof raw === "boolean" || Array.isArray(raw) || (typeof raw === "number" && Number.isInteger(raw))) return [];
    if (!isRecord(raw)) return [`${at}: oneOf failed: expected string, integer, boolean, array or a declaration object, but got ${jsonType(raw)}`];
    const problems = Object.keys(raw).filter((a) => !ATTRIBUTES.includes(a)).map((a) => `${at}: additionalProperties '${a}' not allowed`);
    if (raw.type !== undefined && (typeof raw.type !== "string" || !TYPES.includes(raw.type))) problems.push(`${at}/type: value must be one of ${TYPES.map((t) => `"${t}"`).join(", ")}`);
    if (raw.items !== undefined) problems.push(...itemsProblems(raw.items, `${at}/items`));
    if (raw.description !== undefined && typeof raw.description !== "string") problems.push(`${at}/description: expected string, but got ${jsonType(raw.description)}`);
    if (raw.secret !== undefined && typeof raw.secret !== "boolean") problems.push(`${at}/secret: expected boolean, but got ${jsonType(raw.secret)}`);
    return problems;
}

/**
 * sdk/go/common/workspace/project.go RewriteShorthandConfigValues: a bare value is the default of
 * a project key, and the value of another namespace's key.
 */
function declaration(key: string, raw: unknown): Declaration {
    if (isRecord(raw)) return raw as Declaration;
    return namespacedByProject(key) ? { default: raw } : { value: raw };
}

/** sdk/go/common/workspace/project.go Project.Validate. Go's nil is YAML's null: no default, no value. */
function declarationProblems(key: string, decl: Declaration): string[] {
    const problems: string[] = [];
    const hasDefault = decl.default !== undefined && decl.default !== null;
    const hasValue = decl.value !== undefined && decl.value !== null;
    if (hasDefault && hasValue) problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    if (namespacedByProject(key)) {
        if (decl.type === "array" && decl.items === undefined) {
            problems.push(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
        } else if (decl.type !== undefined && hasDefault && !matchesType(decl.type, decl.items, decl.default)) {
            problems.push(`The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(decl.type, decl.items)}'`);
        }
    } else {
        if (decl.type !== undefined) problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
        if (hasDefault) problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`);
        if (!hasValue) problems.push(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
    }
    return problems;
}

interface Declared {
    /** The key as Pulumi.yaml spells it, which the CLI's messages quote. */
    key: string;
    decl: Declaration;
}

/**
 * Pulumi.yaml's declarations by full key, as sdk/go/common/workspace/loaders.go LoadProjectBytes
 * loads them (schema, shorthand, Project.Validate) and pkg/workspace/config.go parseConfigKey names them.
 * Refuses the project with every problem: the CLI loads it before it reads any stack.
 */
function readProject(root: string): Map<string, Declared> {
    const project = mapping(parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")), "Pulumi.yaml");
    const declared = new Map<string, Declared>();
    const problems: string[] = [];
    for (const [key, raw] of Object.entries(mapping(project.config, "Pulumi.yaml's config"))) {
        const full = qualify(key);
        const line = (message: string) => `${full ?? key}: ${message}`;
        const invalid = schemaProblems(key, raw);
        if (invalid.length > 0) {
            problems.push(...invalid.map((p) => line(`could not validate 'Pulumi.yaml': ${p}`)));
            continue;
        }
        const decl = declaration(key, raw);
        problems.push(...declarationProblems(key, decl).map((p) => line(`could not unmarshal 'Pulumi.yaml': ${p}`)));
        if (full === undefined) problems.push(line(keyError(key)));
        else declared.set(full, { key, decl });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return declared;
}

/**
 * A value of the stack file. sdk/go/common/resource/config/object.go unmarshalObject and
 * MarshalString: a scalar is kept as text, an object or array as JSON, and `{secure: <ciphertext>}`
 * is encrypted, which makes the whole value secure (object.Secure). A null key reads as ""
 * (sdk/go/common/workspace/loaders.go checkForEmptyConfig).
 */
function fromStack(raw: unknown): Stored {
    if (raw === null || raw === undefined) return { value: "", checked: "", secure: false };
    if (typeof raw !== "object") return { value: raw, checked: String(raw), secure: false };
    return withoutCiphertext(raw);
}

/** Replaces every `{ secure: ... }` by "[secret]" for the program, and by CIPHERTEXT for the checks. */
function withoutCiphertext(raw: unknown): Stored {
    if (Array.isArray(raw)) {
        const items = raw.map(withoutCiphertext);
        return { value: items.map((i) => i.value), checked: items.map((i) => i.checked), secure: items.some((i) => i.secure) };
    }
    if (isRecord(raw)) {
        if (Object.keys(raw).length === 1 && typeof raw.secure === "string") return { value: SECRET, checked: CIPHERTEXT, secure: true };
        const entries = Object.entries(raw).map(([k, v]) => [k, withoutCiphertext(v)] as const);
        return {
            value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])),
            checked: Object.fromEntries(entries.map(([k, v]) => [k, v.checked])),
            secure: entries.some(([, v]) => v.secure),
        };
    }
    return { value: raw, checked: raw, secure: false };
}

/**
 * A project default or value that the stack does not set. pkg/workspace/config.go
 * createConfigValue: a string, integer or boolean is kept as text, anything else as JSON; never secure.
 */
function fromProject(raw: unknown): Stored {
    const primitive = typeof raw === "string" || typeof raw === "boolean" || (typeof raw === "number" && Number.isInteger(raw));
    return { value: raw, checked: primitive ? String(raw) : raw, secure: false };
}

/** The project's stacks, by the stack files beside Pulumi.yaml; not the short-lived `test-*` ones tests write. */
export function stackNames(root = ROOT): string[] {
    return readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined && !s.startsWith("test-"))
        .sort();
}

export function stackFile(stack: string, root = ROOT): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

/**
 * The stack's configuration, or a ConfigError with one line per problem, each starting with the
 * full key and worded as the CLI words it.
 */
export function readStackConfig(stack: string, root = ROOT): StackConfig {
    const file = stackFile(stack, root);
    if (!existsSync(file)) throw new Error(`no stack file ${path.relative(process.cwd(), file)} for stack "${stack}"`);
    const declared = readProject(root);
    const problems: string[] = [];
    const values = new Map<string, Stored>();
    const stackYaml = mapping(parse(readFileSync(file, "utf8")), path.basename(file));
    for (const [key, raw] of Object.entries(mapping(stackYaml.config, `${path.basename(file)}'s config`))) {
        // sdk/go/common/resource/config/map.go Map.UnmarshalYAML parses every key of the stack file.
        const full = qualify(key);
        if (full === undefined) problems.push(`${key}: ${keyError(key)}`);
        else values.set(full, fromStack(raw));
    }
    // pkg/workspace/config.go mergeConfig, in its order (declared keys sorted as written): a project
    // key the stack does not set and that has neither default nor value is missing; otherwise the
    // default (or value) stands in for it. Then validateStackConfigValues and
    // validateStackConfigValue check each explicitly typed key: secret before type.
    for (const [full, { key, decl }] of [...declared].sort(([, a], [, b]) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
        let stored = values.get(full);
        if (stored === undefined) {
            const preset = decl.default ?? decl.value;
            if (preset === undefined || preset === null) {
                if (full.startsWith(`${PROJECT}:`)) problems.push(`${full}: Stack '${stack}' is missing configuration value '${key}'`);
                continue;
            }
            stored = fromProject(preset);
            values.set(full, stored);
        }
        if (decl.type === undefined) continue;
        if (decl.secret && !stored.secure) problems.push(`${full}: Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
        else if (!matchesType(decl.type, decl.items, stored.checked)) problems.push(`${full}: Stack '${stack}' with configuration key '${key}' must be of type '${fullTypeName(decl.type, decl.items)}'`);
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return {
        config: Object.fromEntries([...values].map(([key, stored]) => [key, stored.value])),
        secretKeys: [...values].filter(([, stored]) => stored.secure).map(([key]) => key),
    };
}
