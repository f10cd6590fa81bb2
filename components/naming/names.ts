// The names the program builds from agent names, the namespace and the stack: shortened to what
// the providers and clouds accept, as the naming table (table.ts) records it. The offline plan
// checks the result against the same table (tools/engine/naming.ts).
import { createHash } from "node:crypto";
import { NAMING } from "./table";

const HASH_LENGTH = 6;

function digest(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/**
 * `text` when it fits in `max` characters; otherwise as much of its start as leaves room for "-"
 * and a hash of the whole text, so that two long names sharing a prefix stay distinct and the
 * same input always gives the same name. The one way the program shortens a name.
 */
export function fitName(text: string, max: number): string {
    if (text.length <= max) return text;
    return `${text.slice(0, max - HASH_LENGTH - 1).replace(/[-_.]+$/, "")}-${digest(text).slice(0, HASH_LENGTH)}`;
}

/**
 * `text` in lowercase letters, digits and hyphens, what the strictest rules above accept (service
 * account ids, GCP resource names, KMS aliases and key rings); when that changes it, a hash of the
 * original keeps names apart that differ only there, as stack names "prod.eu" and "prod_eu" do.
 */
export function nameSafe(text: string): string {
    const safe = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
    return safe === text ? text : `${safe}-${digest(text).slice(0, HASH_LENGTH)}`;
}

/** The longest name a type's rule accepts. */
export function maxNameLength(type: string): number {
    const max = NAMING.get(type)?.rule.max;
    if (max === undefined) throw new Error(`naming: ${type} has no length limit in the naming table`);
    return max;
}

/** The longest logical name whose auto-name still fits the type's rule (and the provider's maximum). */
export function autoNameBudget(type: string): number {
    const row = NAMING.get(type);
    if (row?.autoName === undefined || row.rule.max === undefined) throw new Error(`naming: ${type} has no auto-name with a length limit`);
    const { autoName } = row;
    const limit = Math.min(row.rule.max - (autoName.prefix?.length ?? 0), autoName.maxLength ?? Infinity);
    return limit - autoName.separator.length - autoName.randomLength;
}
