// Turns schema issues into one line per problem, each naming the full config key
// (`adk-platform:agents[0].canary.weight: must be between 0 and 100, got 120`).
import { closest } from "fastest-levenshtein";
import { z } from "zod";

export class ConfigError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid stack configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

export type Path = readonly PropertyKey[];

/** A problem with one key of the configuration: its path below the project's namespace, and what is wrong. */
export interface Problem {
    path: Path;
    message: string;
}

export function formatKey(namespace: string, path: Path): string {
    let key = namespace;
    path.forEach((part, i) => {
        if (typeof part === "number") key += `[${part}]`;
        else key += i === 0 ? `:${String(part)}` : `.${String(part)}`;
    });
    return key;
}

/** The keys an object schema accepts at `path`, used to suggest the key that a typo meant. */
function knownKeys(schema: z.ZodType, path: Path): string[] {
    let node: z.ZodType | undefined = schema;
    for (const part of path) {
        node = node && unwrap(node);
        if (node instanceof z.ZodObject) node = node.shape[String(part)];
        else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
        else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
        else return [];
    }
    node = node && unwrap(node);
    return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrap(schema: z.ZodType): z.ZodType {
    let node = schema;
    while (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodPipe) {
        node = (node instanceof z.ZodPipe ? node.in : node.unwrap()) as z.ZodType;
    }
    return node;
}

/**
 * Messages for the issues a schema does not word itself; passed as the parse's error map, so a
 * schema's own message (with the bad value, say) always wins.
 */
export function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
    switch (issue.code) {
        case "invalid_type":
            if (issue.input === undefined) return "is required";
            return `must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}, got ${JSON.stringify(issue.input)}`;
        case "invalid_value":
            return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}, got ${JSON.stringify(issue.input)}`;
        default:
            return undefined;
    }
}

function describe(issue: z.core.$ZodIssue): string {
    // A record key that fails its own schema carries that schema's message one level down.
    return issue.code === "invalid_key" ? issue.issues[0]?.message ?? issue.message : issue.message;
}

/**
 * Whether `path` is, or lies under, one of the secret keys, each given as its path of key names
 * (`["agentSecrets"]`, `["loadBalancer", "auth", "oidc", "clientSecret"]`).
 */
function isSecretPath(path: Path, secretKeys: readonly (readonly string[])[]): boolean {
    return secretKeys.some((key) => key.every((part, i) => path[i] === part));
}

/**
 * One line per issue. Inputs are echoed only outside `secretKeys`, so that a secret value never
 * reaches the terminal even when it is malformed.
 */
export function formatIssues(namespace: string, schema: z.ZodType, issues: readonly z.core.$ZodIssue[], secretKeys: readonly (readonly string[])[]): string[] {
    const lines: string[] = [];
    for (const issue of issues) {
        const secret = isSecretPath(issue.path, secretKeys);
        if (issue.code === "unrecognized_keys") {
            const known = knownKeys(schema, issue.path);
            for (const key of issue.keys) {
                const hint = known.length > 0 ? ` (did you mean "${closest(key, known)}"?)` : "";
                lines.push(`${formatKey(namespace, [...issue.path, key])}: unknown key${hint}`);
            }
            continue;
        }
        const text = secret ? describeSecret(issue) : describe(issue);
        lines.push(`${formatKey(namespace, issue.path)}: ${text}`);
    }
    return lines;
}

function describeSecret(issue: z.core.$ZodIssue): string {
    return issue.code === "invalid_type" ? `must be a ${issue.expected} (value not shown: it is secret)` : "is invalid (value not shown: it is secret)";
}
