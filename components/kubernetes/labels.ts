// The `app.kubernetes.io/*` labels the platform puts on what it creates (Kubernetes "Recommended
// Labels"): which product an object belongs to and which tool manages it.

/** The product every object of the platform belongs to. */
export const PART_OF = { "app.kubernetes.io/part-of": "adk-platform" } as const;
/** The tool that writes the object: changed by hand, it is changed back on the next `pulumi up`. */
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "pulumi" } as const;
/** Both, as most objects carry them. */
export const PLATFORM_LABELS = { ...PART_OF, ...MANAGED_BY } as const;

/** The application an object runs and, for a workload's pods, which instance of it. */
export function appLabels(name: string, instance?: string): Record<string, string> {
    return instance === undefined ? { "app.kubernetes.io/name": name } : { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": instance };
}
