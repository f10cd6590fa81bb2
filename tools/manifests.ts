// Kubernetes objects of a plan as manifests, validated against the official OpenAPI schemas
// (kubernetes-models) and, for custom resources, against their CRD schemas where a model package
// ships them, or else against our own schema of the controller's API (crdSchemas.ts). What none
// knows is reported as unvalidated, never silently passed.
import { z } from "zod";
import type { RecordedResource } from "./mockRuntime";
import { CRD_SCHEMAS } from "./crdSchemas";

type ModelModule = Record<string, unknown>;

/**
 * The kinds the program creates, with their models from the kubernetes-models packages. Each is
 * imported from the kind's own module (the packages' `exports` map `./<group>/<version>/*`), not
 * the group's index, which loads every kind of the group (`kubernetes-models/v1` alone is 225
 * kinds and their schemas), and by a literal path, so that the launcher's bundle (tools/launch.js)
 * carries the models and a plan does not resolve and load these ESM-only packages through Node's
 * ESM loader at every run (~170 ms of a cold plan). A kind in neither this table nor CRD_SCHEMAS
 * is reported unvalidated; `test/tools/plan.test.ts` keeps every planned kind in one of them.
 */
export const MODELS: Record<string, () => Promise<ModelModule>> = {
    "apps/v1/DaemonSet": () => import("kubernetes-models/apps/v1/DaemonSet"),
    "apps/v1/Deployment": () => import("kubernetes-models/apps/v1/Deployment"),
    "autoscaling/v2/HorizontalPodAutoscaler": () => import("kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler"),
    "batch/v1/Job": () => import("kubernetes-models/batch/v1/Job"),
    "external-secrets.io/v1/ExternalSecret": () => import("@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret"),
    "external-secrets.io/v1/SecretStore": () => import("@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore"),
    "gateway.networking.k8s.io/v1/Gateway": () => import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/Gateway"),
    "gateway.networking.k8s.io/v1/HTTPRoute": () => import("@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute"),
    "monitoring.coreos.com/v1/PrometheusRule": () => import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule"),
    "monitoring.coreos.com/v1/ServiceMonitor": () => import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor"),
    "networking.gke.io/v1/GCPBackendPolicy": () => import("@kubernetes-models/gke/networking.gke.io/v1/GCPBackendPolicy"),
    "networking.gke.io/v1/GCPGatewayPolicy": () => import("@kubernetes-models/gke/networking.gke.io/v1/GCPGatewayPolicy"),
    "networking.gke.io/v1/HealthCheckPolicy": () => import("@kubernetes-models/gke/networking.gke.io/v1/HealthCheckPolicy"),
    "networking.k8s.io/v1/NetworkPolicy": () => import("kubernetes-models/networking.k8s.io/v1/NetworkPolicy"),
    "policy/v1/PodDisruptionBudget": () => import("kubernetes-models/policy/v1/PodDisruptionBudget"),
    "rbac.authorization.k8s.io/v1/ClusterRole": () => import("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole"),
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": () => import("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding"),
    "rbac.authorization.k8s.io/v1/Role": () => import("kubernetes-models/rbac.authorization.k8s.io/v1/Role"),
    "rbac.authorization.k8s.io/v1/RoleBinding": () => import("kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding"),
    "v1/ConfigMap": () => import("kubernetes-models/v1/ConfigMap"),
    "v1/LimitRange": () => import("kubernetes-models/v1/LimitRange"),
    "v1/Namespace": () => import("kubernetes-models/v1/Namespace"),
    "v1/ResourceQuota": () => import("kubernetes-models/v1/ResourceQuota"),
    "v1/Secret": () => import("kubernetes-models/v1/Secret"),
    "v1/Service": () => import("kubernetes-models/v1/Service"),
    "v1/ServiceAccount": () => import("kubernetes-models/v1/ServiceAccount"),
};

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

/** The kind's model, else our schema of its controller's API; undefined when neither knows the kind. */
async function validatorFor(apiVersion: string, kind: string): Promise<Validator | undefined> {
    const key = `${apiVersion}/${kind}`;
    const load = MODELS[key];
    if (load !== undefined) {
        const model = (await load())[kind] as Model;
        return (manifest) => new model(manifest).validate();
    }
    const schema = CRD_SCHEMAS[key];
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
