// Reads a stack's configuration the way the Pulumi CLI assembles it: the project's defaults from
// Pulumi.yaml, overlaid by Pulumi.<stack>.yaml. Encrypted (`secure:`) values cannot be decrypted
// without the stack's secrets provider, so they become "[secret]" and their keys are marked secret.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT } from "../config";
import { SECRET } from "../test/harness";

export interface StackConfig {
    config: Record<string, unknown>;
    secretKeys: string[];
}

export const ROOT = path.resolve(__dirname, "..");

function qualify(key: string): string {
    return key.includes(":") ? key : `${PROJECT}:${key}`;
}

/** Replaces every `{ secure: ... }` by "[secret]"; reports whether there was one. */
function withoutCiphertext(value: unknown): { value: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        const items = value.map(withoutCiphertext);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (typeof value === "object" && value !== null) {
        const record = value as Record<string, unknown>;
        if (Object.keys(record).length === 1 && typeof record.secure === "string") return { value: SECRET, secret: true };
        const entries = Object.entries(record).map(([k, v]) => [k, withoutCiphertext(v)] as const);
        return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), secret: entries.some(([, v]) => v.secret) };
    }
    return { value, secret: false };
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

export function readStackConfig(stack: string, root = ROOT): StackConfig {
    const file = stackFile(stack, root);
    if (!existsSync(file)) throw new Error(`no stack file ${path.relative(process.cwd(), file)} for stack "${stack}"`);
    const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) ?? {};
    const config: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, declaration] of Object.entries<Record<string, unknown> | unknown>(project.config ?? {})) {
        // A declaration is either a bare value or { type, description, default | value, secret }.
        const decl = typeof declaration === "object" && declaration !== null && !Array.isArray(declaration) ? declaration as Record<string, unknown> : { value: declaration };
        const value = decl.value ?? decl.default;
        if (value !== undefined) config[qualify(key)] = value;
    }
    const stackConfig = (parse(readFileSync(file, "utf8")) ?? {}).config ?? {};
    for (const [key, raw] of Object.entries(stackConfig)) {
        const { value, secret } = withoutCiphertext(raw);
        config[qualify(key)] = value;
        if (secret) secretKeys.push(qualify(key));
    }
    return { config, secretKeys };
}
