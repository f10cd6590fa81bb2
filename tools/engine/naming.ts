// Physical names as the providers make them: the mock runtime (tools/mockRuntime/index.ts) names
// every resource from the naming table (components/naming/table.ts) exactly as its provider
// would, so that the offline plan fails on a name a real `pulumi preview` or `up` would refuse,
// and says which config key drives it.
import { createHash } from "node:crypto";
import { NAMING, NameRule, NO_PHYSICAL_NAME } from "../../components/naming/table";
import { PROJECT } from "../../config";
import { rawConfigSchema } from "../../config/schema";

// --- The mock provider's side ---------------------------------------------------------------------

export type NameOrigin = "explicit" | "prefix" | "auto";

export interface PhysicalName {
    property: string;
    value: string;
}

/** A physical name that the cloud or API server would refuse, or a type the table does not know. */
export interface NamingViolation {
    type: string;
    logicalName: string;
    reasons: string[];
    /** The refused name, how it came about and the rule it breaks; absent for an unknown type. */
    refused?: { name: PhysicalName; origin: NameOrigin; rule: NameRule };
}

/** Stands in for the provider's random characters: stable across runs, distinct per resource. */
function randomPart(type: string, logicalName: string, length: number): string {
    return createHash("sha256").update(`${type}::${logicalName}`).digest("hex").slice(0, length);
}

function read(inputs: Record<string, any>, property: string): unknown {
    return property.split(".").reduce<any>((value, key) => value?.[key], inputs);
}

/** Why `name` breaks `rule`; empty when it holds. */
export function ruleProblems(rule: NameRule, name: string): string[] {
    const problems: string[] = [];
    if (name.length < rule.min) problems.push(`is ${name.length} characters, fewer than ${rule.min}`);
    if (rule.max !== undefined && name.length > rule.max) problems.push(`is ${name.length} characters, more than ${rule.max}`);
    if (!rule.pattern.test(name)) problems.push(`is not ${rule.text}`);
    return problems;
}

/**
 * The physical name a provider would give a resource (the explicit name, the prefix plus the
 * provider's unique suffix, or the auto-name), and the violation when the cloud would refuse it.
 * A type in neither NAMING nor NO_PHYSICAL_NAME is a violation too, so that no new type goes unchecked.
 */
export function physicalName(type: string, logicalName: string, inputs: Record<string, any>): { name?: PhysicalName; violation?: NamingViolation } {
    const row = NAMING.get(type);
    if (row === undefined) {
        if (type.startsWith("pulumi:providers:") || NO_PHYSICAL_NAME.has(type)) return {};
        const reasons = ["belongs to a type with no row in the naming table (components/naming/table.ts): add its rule, or list it under NO_PHYSICAL_NAME"];
        return { violation: { type, logicalName, reasons } };
    }
    const explicit = read(inputs, row.property);
    const prefix = row.namePrefix && read(inputs, row.namePrefix.property);
    let value: string;
    let origin: NameOrigin;
    const reasons: string[] = [];
    if (typeof explicit === "string") {
        [value, origin] = [explicit, "explicit"];
    } else if (explicit !== undefined) {
        return {}; // not known until the resource it comes from exists
    } else if (typeof prefix === "string") {
        [value, origin] = [prefix + randomPart(type, logicalName, row.namePrefix!.suffixLength), "prefix"];
    } else if (row.autoName !== undefined) {
        const auto = row.autoName;
        const stem = (auto.lowercase ? logicalName.toLowerCase() : logicalName) + auto.separator;
        if (auto.maxLength !== undefined && stem.length + auto.randomLength > auto.maxLength) {
            reasons.push(`is refused by the provider before it reaches the cloud: "${stem}" plus ${auto.randomLength} random characters is longer than its auto-name maximum of ${auto.maxLength} (${auto.source})`);
        }
        [value, origin] = [(auto.prefix ?? "") + stem + randomPart(type, logicalName, auto.randomLength), "auto"];
    } else {
        return {};
    }
    reasons.push(...ruleProblems(row.rule, value));
    const name = { property: row.property, value };
    return reasons.length === 0 ? { name } : { name, violation: { type, logicalName, reasons, refused: { name, origin, rule: row.rule } } };
}

/** A configuration value that can end up in names, with the key that sets it. */
export interface NameDriver {
    key: string;
    value: string;
}

/**
 * One line per violation: the resource, its physical name, what is wrong and the rule's source,
 * and the configuration key (or stack name) that drives it, found by its value inside the name.
 */
export function formatViolation(violation: NamingViolation, drivers: NameDriver[]): string {
    const { type, logicalName, reasons, refused } = violation;
    if (refused === undefined) return `${type} ${logicalName}: ${reasons.join("; ")}`;
    const { name, origin, rule } = refused;
    const haystacks = [name.value, logicalName];
    const found = drivers.filter((d) => d.value.length > 0 && haystacks.some((h) => h.includes(d.value)));
    // An agent called "research" is inside "research-agent"'s names too; only the longer one drives them.
    const driving = found.filter((d) => !found.some((other) => other.value.length > d.value.length && other.value.includes(d.value)));
    const source = driving.length > 0 ? driving.map((d) => `${d.key} (${JSON.stringify(d.value)})`).join(", ") : "no configuration key (a fixed name in the program)";
    const limits = [rule.max === undefined ? undefined : `${rule.min}-${rule.max} characters`, rule.text].filter((x) => x !== undefined).join(", ");
    return `${type} ${logicalName}: ${name.property} ${JSON.stringify(name.value)} (${origin}) ${reasons.join("; ")}. Rule: ${limits} (${rule.source}). Driven by ${source}`;
}

/**
 * The configuration values that names are built from, keyed as the user sets them: agent names,
 * the namespace (its default included), the load balancer's domain, and the stack name.
 */
export function nameDrivers(stack: string, config: Record<string, string>): NameDriver[] {
    const value = (key: string): unknown => {
        const text = config[`${PROJECT}:${key}`];
        if (text === undefined) return undefined;
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    };
    const agents = value("agents");
    const candidates: { key: string; value: unknown }[] = [
        { key: "the stack name", value: stack },
        { key: `${PROJECT}:namespace`, value: value("namespace") ?? rawConfigSchema.shape.namespace.parse(undefined) },
        { key: `${PROJECT}:loadBalancer.domain`, value: (value("loadBalancer") as { domain?: unknown } | undefined)?.domain },
        ...(Array.isArray(agents) ? agents : []).map((agent: { name?: unknown } | null, i) => ({ key: `${PROJECT}:agents[${i}].name`, value: agent?.name })),
    ];
    return candidates.filter((d): d is NameDriver => typeof d.value === "string");
}
