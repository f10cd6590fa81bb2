// Pulumi property paths and the leaf-level differences between two input documents, as the diff
// reports them (`spec.selector.matchLabels["app.kubernetes.io/name"]`).

export interface PropertyChange {
    /** A Pulumi property path (`spec.selector.matchLabels["app.kubernetes.io/name"]`). */
    path: string;
    before: unknown;
    after: unknown;
    /** The new value comes from a resource that is replaced first, so it is not known yet. */
    unknown: boolean;
}

type Segment = string | number;

export function formatPath(segments: Segment[]): string {
    return segments.map((s, i) => typeof s === "number" ? `[${s}]`
        : /^[A-Za-z_$][\w$]*$/.test(s) ? `${i === 0 ? "" : "."}${s}` : `[${JSON.stringify(s)}]`).join("");
}

/** Parses the subset of Pulumi property paths that tables and replaceOnChanges use: `a.b[0]["c.d"]`, `*`. */
export function parsePath(path: string): Segment[] {
    const segments: Segment[] = [];
    const pattern = /([^.[\]]+)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]/g;
    for (const match of path.matchAll(pattern)) {
        if (match[1] !== undefined) segments.push(match[1]);
        else if (match[2] !== undefined) segments.push(match[2] === "*" ? "*" : Number(match[2]));
        else segments.push(JSON.parse(`"${match[3]}"`));
    }
    return segments;
}

/**
 * Whether a changed path touches a rule's path: it is the rule's path, lies inside it (Pulumi's
 * PropertyPath.Contains, as replaceOnChanges applies it), or encloses it (a whole object that
 * appeared, vanished or became unknown). "*" matches any one segment.
 */
export function pathsOverlap(rule: string, changed: string): boolean {
    const a = parsePath(rule);
    const b = parsePath(changed);
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        if (a[i] !== "*" && b[i] !== "*" && a[i] !== b[i]) return false;
    }
    return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Leaf-level differences; a value that changes shape is reported whole. */
export function changedLeaves(before: unknown, after: unknown, at: Segment[] = []): PropertyChange[] {
    if (Array.isArray(before) && Array.isArray(after)) {
        return Array.from({ length: Math.max(before.length, after.length) }, (_, i) => changedLeaves(before[i], after[i], [...at, i])).flat();
    }
    if (isObject(before) && isObject(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
        return keys.flatMap((k) => changedLeaves(before[k], after[k], [...at, k]));
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path: formatPath(at), before, after, unknown: false }];
}

export function leaves(value: unknown, at: Segment[] = []): [Segment[], unknown][] {
    if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...at, i]));
    if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => leaves(v, [...at, k]));
    return [[at, value]];
}

export function valueAt(value: unknown, path: Segment[]): unknown {
    return path.reduce<unknown>((node, s) => (Array.isArray(node) || isObject(node)) ? (node as any)[s] : undefined, value);
}
