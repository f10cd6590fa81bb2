// Building blocks of the config schemas: every validator lives here, and every concern's schema
// (config/schema.ts, components/*/config.ts) uses them, so that a value is judged alike wherever
// it appears and all messages read alike: the problem, then the bad value.
import { isIP } from "node:net";
import { z } from "zod";
import { parseCpu, parseMemory } from "./quantity";

export const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An OCI image tag (distribution spec: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`). */
const TAG = "[\\w][\\w.-]{0,127}";
// An OCI reference: registry/path, then an optional tag, then an optional digest.
const IMAGE = new RegExp(`^[a-z0-9]+([._-][a-z0-9]+)*(:\\d+)?(\\/[a-z0-9]+([._-][a-z0-9]+)*)*(:${TAG})?(@sha256:[a-f0-9]{64})?$`);

export interface ImageRef {
    repository: string;
    tag?: string;
    digest?: string;
}

/** Splits an image reference; `undefined` when it is not a valid reference. */
export function parseImage(text: string): ImageRef | undefined {
    if (!IMAGE.test(text)) return undefined;
    const [withTag, digest] = text.split("@");
    const slash = withTag.lastIndexOf("/");
    const colon = withTag.lastIndexOf(":");
    const hasTag = colon > slash;
    return {
        repository: hasTag ? withTag.slice(0, colon) : withTag,
        tag: hasTag ? withTag.slice(colon + 1) : undefined,
        digest,
    };
}

/** Integer between lo and hi with a message that repeats the bad value. */
export function intBetween(lo: number, hi: number) {
    const error = (issue: { input?: unknown }) => `must be between ${lo} and ${hi}, got ${String(issue.input)}`;
    return z.preprocess(numberFromText, z.number({ error: (issue) => `must be a number, got ${JSON.stringify(issue.input)}` })
        .int({ error: (issue) => `must be a whole number, got ${String(issue.input)}` })
        .min(lo, { error })
        .max(hi, { error }));
}

/** A decimal between lo and hi (percentages, ratios), with the bad value repeated. */
export function numberBetween(lo: number, hi: number, { exclusiveHigh = false } = {}) {
    const range = `between ${lo} and ${hi}${exclusiveHigh ? " (exclusive)" : ""}`;
    return z.preprocess(numberFromText, z.number({ error: (issue) => `must be a number, got ${JSON.stringify(issue.input)}` })
        .refine((n) => n >= lo && (exclusiveHigh ? n < hi : n <= hi), { error: (issue) => `must be ${range}, got ${String(issue.input)}` }));
}

/** Top-level scalars arrive as text from the Pulumi CLI; "3" means 3, "abc" stays text and is reported. */
function numberFromText(value: unknown): unknown {
    return typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
}

export const flag = z.union([z.boolean(), z.stringbool()], {
    error: (issue) => `must be true or false, got ${JSON.stringify(issue.input)}`,
});

export const dnsLabel = (max: number) =>
    z.string()
        .max(max, { error: (issue) => `must be at most ${max} characters, got ${String(issue.input).length}` })
        .regex(DNS_LABEL, {
            error: (issue) =>
                `must be a DNS label (lowercase letters, digits and '-', starting with a letter), got ${JSON.stringify(issue.input)}`,
        });

/**
 * A quantity written as a YAML number (`cpuLimit: 2`, `cpuRequest: 0.5`) is valid Kubernetes:
 * the API server parses `2` and `"2"` alike (apimachinery resource.Quantity's UnmarshalJSON).
 */
const quantityText = (value: unknown) => typeof value === "number" && Number.isFinite(value) ? String(value) : value;

export const cpu = z.preprocess(quantityText, z.string({ error: (issue) => `must be a CPU quantity such as 500m or 1, got ${JSON.stringify(issue.input)}` })
    .refine((text) => parseCpu(text) !== undefined, {
        error: (issue) => `is not a CPU quantity Kubernetes accepts (for example 500m or 1), got ${JSON.stringify(issue.input)}`,
    }));
export const memory = z.preprocess(quantityText, z.string({ error: (issue) => `must be a memory quantity such as 512Mi, got ${JSON.stringify(issue.input)}` })
    .refine((text) => parseMemory(text) !== undefined, {
        error: (issue) => `is not a memory quantity Kubernetes accepts (for example 512Mi or 1Gi), got ${JSON.stringify(issue.input)}`,
    }));

/** The tag that moves: the same reference runs different code from one pull to the next. */
export const MOVING_TAG = "latest";

/**
 * An image the platform may run: a valid reference pinned by a fixed tag or a digest, in every
 * environment. The policy pack's k8s-image-pinned refuses the same on every workload, so config,
 * pack and README state one rule.
 */
export const pinnedImage = z.string().superRefine((text, ctx) => {
    const ref = parseImage(text);
    const message = ref === undefined ? `is not a valid image reference, got ${JSON.stringify(text)}`
        : ref.tag === undefined && ref.digest === undefined ? `must carry a tag or a digest (for example ${text}:1.2.3), got ${JSON.stringify(text)}`
            : ref.tag === MOVING_TAG && ref.digest === undefined ? `must not use the moving "${MOVING_TAG}" tag: pin a version or a digest, got ${JSON.stringify(text)}`
                : undefined;
    if (message !== undefined) ctx.addIssue({ code: "custom", message, input: text });
});

/** A pinned image tag: valid, and not the moving one. */
export const pinnedTag = z.string().regex(new RegExp(`^${TAG}$`), { error: (issue) => `is not a valid image tag, got ${JSON.stringify(issue.input)}` })
    .refine((tag) => tag !== MOVING_TAG, { error: `must not be the moving "${MOVING_TAG}" tag: pin a version` });

/** An IPv4 or IPv6 address with a prefix length the family allows. */
function isCidr(text: string): boolean {
    const [address, prefix, ...rest] = text.split("/");
    const family = isIP(address);
    if (rest.length > 0 || family === 0 || !/^\d{1,3}$/.test(prefix ?? "")) return false;
    return Number(prefix) <= (family === 4 ? 32 : 128);
}

export const cidr = z.string().refine(isCidr, { error: (issue) => `must be a CIDR block such as 203.0.113.0/24, got ${JSON.stringify(issue.input)}` });
