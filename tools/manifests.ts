// Kubernetes objects of a plan as manifests, validated against the official OpenAPI schemas
// (kubernetes-models) and, for custom resources, against their CRD schemas where a model package
// ships them. What no package knows is reported as unvalidated, never silently passed.
import type { RecordedResource } from "../test/harness";

/** Model packages, each laid out as `<package>/<group>/<version>` exporting one class per kind. */
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

async function modelFor(apiVersion: string, kind: string): Promise<Model | undefined> {
    const groupVersion = apiVersion.includes("/") ? apiVersion : `v1`;
    for (const pkg of MODEL_PACKAGES) {
        try {
            const module = await import(`${pkg}/${groupVersion}`);
            if (typeof module[kind] === "function") return module[kind] as Model;
        } catch {
            // Not in this package; try the next one.
        }
    }
    return undefined;
}

export async function validateManifests(manifests: Manifest[]): Promise<ValidationReport> {
    const errors: string[] = [];
    const unvalidated = new Set<string>();
    let validated = 0;
    for (const manifest of manifests) {
        const model = await modelFor(manifest.apiVersion, manifest.kind);
        if (model === undefined) {
            unvalidated.add(`${manifest.apiVersion}/${manifest.kind}`);
            continue;
        }
        validated++;
        try {
            new model(manifest).validate();
        } catch (err) {
            errors.push(`${manifest.kind} ${manifest.metadata?.namespace ?? ""}/${manifest.metadata?.name}: ${(err as Error).message}`);
        }
    }
    return { errors, validated, unvalidated: [...unvalidated].sort() };
}
