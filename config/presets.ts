// Environment presets: the defaults a stack starts from. Every field is also a stack config key
// (README, "Configuration"), so a stack overrides a preset key by key.

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const CLOUDS = ["aws", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

/**
 * What every config section is checked and resolved against, beside its own keys: the stack's
 * cloud, its environment and the environment's preset with the stack's overrides. Every section
 * follows one convention: `check<Section>(raw, context, ...)` reports what the schema cannot say,
 * `resolve<Section>(raw, context)` applies the defaults.
 */
export interface ConfigContext {
    cloud: Cloud;
    environment: Environment;
    preset: Preset;
}

/** The context while checking: a key that is itself invalid is unknown. */
export type CheckContext = Partial<ConfigContext>;

export interface Preset {
    /** Minimum replicas per agent (the HPA's minReplicas). */
    replicas: number;
    /** Upper bound for the HPA. */
    maxReplicas: number;
    /** Rolling-update budget: prod never drops below the desired count during a rollout. */
    maxUnavailable: number;
    maxSurge: number;
    /** `protect` on stateful resources (keys, secrets, buckets, log groups, the load balancer). */
    protect: boolean;
    /** Spread pods across zones and nodes. */
    topologySpread: boolean;
    /** Retention of application logs, in days. */
    logRetentionDays: number;
    /** Retention of audit and access logs, in days. */
    auditRetentionDays: number;
}

export const PRESETS: Record<Environment, Preset> = {
    dev: {
        replicas: 1,
        maxReplicas: 3,
        maxUnavailable: 1,
        maxSurge: 1,
        protect: false,
        topologySpread: false,
        logRetentionDays: 7,
        auditRetentionDays: 30,
    },
    staging: {
        replicas: 2,
        maxReplicas: 5,
        maxUnavailable: 1,
        maxSurge: 1,
        protect: false,
        topologySpread: true,
        logRetentionDays: 30,
        auditRetentionDays: 90,
    },
    prod: {
        replicas: 3,
        maxReplicas: 10,
        maxUnavailable: 0,
        maxSurge: 1,
        protect: true,
        topologySpread: true,
        logRetentionDays: 90,
        auditRetentionDays: 365,
    },
};

/** The preset with the stack's own values for its keys: what the stack actually runs with. */
export function effectivePreset(overrides: Partial<Record<keyof Preset, unknown>>, preset: Preset): Preset {
    return Object.fromEntries(
        (Object.keys(preset) as (keyof Preset)[]).map((key) => [key, overrides[key] ?? preset[key]]),
    ) as unknown as Preset;
}
