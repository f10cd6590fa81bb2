// Building blocks of the config schemas. Every concern's schema (config/*.ts) uses them, so that
// all messages read alike: the problem, then the bad value.
import { z } from "zod";
import { parseCpu, parseMemory } from "./quantity";

export const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// An OCI reference: registry/path, then an optional tag, then an optional digest.
const IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

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

export const cpu = z.string().refine((text) => parseCpu(text) !== undefined, {
    error: (issue) => `is not a CPU quantity Kubernetes accepts (for example 500m or 1), got ${JSON.stringify(issue.input)}`,
});
export const memory = z.string().refine((text) => parseMemory(text) !== undefined, {
    error: (issue) => `is not a memory quantity Kubernetes accepts (for example 512Mi or 1Gi), got ${JSON.stringify(issue.input)}`,
});
