// Kubernetes objects of a plan as manifests, validated against the official OpenAPI schemas
// (kubernetes-models) and, for custom resources, against their CRD schemas where a model package
// ships them, or else against our own schema of the controller's API (crdSchemas.ts). What none
// knows is reported as unvalidated, never silently passed.
import { z } from "zod";
import type { RecordedResource } from "./mockRuntime";
import { CRD_SCHEMAS } from "./crdSchemas";

/**
 * Model packages, each laid out as `<package>/<group>/<version>/<Kind>`, one module per kind (their
 * package.json `exports` map `./<group>/<version>/*`). The kind's own module, not the group's index,
 * which loads every kind of the group: `kubernetes-models/v1` alone is 225 kinds and their schemas.
 */
const MODEL_PACKAGES = [
    "kubernetes-models",
    "@kubernetes-models/prometheus-operator",
    "@kubernetes-models/external-secrets",
    "@kubernetes-models/gateway-api",
    "@kubernetes-models/gke",
    "@kubernetes-models/opentelemetry-operator",
];

export interface Manifest {
    apiVersion: string;
    kind: string;
    metadata: Record<string, any>;
    [field: string]: unknown;
}

export interface ValidationReport {
    errors: string[];
    /** How many objects were checked against a schema. */
    validated: number;
    /** apiVersion/kind pairs for which no schema was available. */
    unvalidated: string[];
}

export function isKubernetesObject(resource: RecordedResource): boolean {
    return resource.custom && resource.type.startsWith("kubernetes:") && typeof resource.state.kind === "string";
}

/** The object as the cluster would receive it: the provider's view, with the auto-name filled in. */
export function toManifest(resource: RecordedResource): Manifest {
    return resource.state as Manifest;
}

interface Model {
    new (data: unknown): { validate(): void };
}

/** Throws, with the schema's findings, when the object is invalid. */
type Validator = (manifest: Manifest) => void;

const validators = new Map<string, Promise<Validator | undefined>>();

/** One lookup per kind and process: a kind no package has costs a failed import per package. */
function validatorFor(apiVersion: string, kind: string): Promise<Validator | undefined> {
    const key = `${apiVersion}/${kind}`;
    let validator = validators.get(key);
    if (validator === undefined) {
        validator = findValidator(apiVersion, kind);
        validators.set(key, validator);
    }
    return validator;
}

async function findValidator(apiVersion: string, kind: string): Promise<Validator | undefined> {
    const groupVersion = apiVersion.includes("/") ? apiVersion : `v1`;
    for (const pkg of MODEL_PACKAGES) {
        try {
            const module = await import(`${pkg}/${groupVersion}/${kind}`);
            if (typeof module[kind] === "function") {
                const model = module[kind] as Model;
                return (manifest) => new model(manifest).validate();
            }
        } catch {
            // Not in this package; try the next one.
        }
    }
    const schema = CRD_SCHEMAS[`${apiVersion}/${kind}`];
    return schema && ((manifest) => {
        const result = schema.safeParse(manifest);
        if (!result.success) throw new Error(z.prettifyError(result.error).replace(/\n/g, " "));
    });
}

export async function validateManifests(manifests: Manifest[]): Promise<ValidationReport> {
    const errors: string[] = [];
    const unvalidated = new Set<string>();
    let validated = 0;
    for (const manifest of manifests) {
        const validate = await validatorFor(manifest.apiVersion, manifest.kind);
        if (validate === undefined) {
            unvalidated.add(`${manifest.apiVersion}/${manifest.kind}`);
            continue;
        }
        validated++;
        try {
            validate(manifest);
        } catch (err) {
            errors.push(`${manifest.kind} ${manifest.metadata?.namespace ?? ""}/${manifest.metadata?.name}: ${(err as Error).message}`);
        }
    }
    return { errors, validated, unvalidated: [...unvalidated].sort() };
}
