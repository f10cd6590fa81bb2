// One Kubernetes Job per agent that gives the agent its own database and role, idempotently: ADK's
// DatabaseSessionService creates its tables itself on first use (`create_all`,
// google/adk-python sessions/database_session_service.py), so the agent's role must own, or be
// granted DDL on, its database. PostgreSQL roles and grants have no cloud API (RDS, Cloud SQL's
// Admin API creates databases and IAM users but grants nothing), so SQL does it from inside the
// cluster, where the database is reachable; `pulumi up` waits for each Job to complete
// (pulumi-kubernetes await logic for batch/v1 Job) and fails when it does not.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { restrictedContainer, restrictedPod } from "../kubernetes/hardening";
import { appLabels, PLATFORM_LABELS } from "../kubernetes/labels";
import { BOOTSTRAP_RESOURCES, containerResources } from "./store";

/** The bootstrap pods' labels: the NetworkPolicies give them the database egress and nothing else. */
export const BOOTSTRAP_POD_LABELS = { ...appLabels("sessions-bootstrap"), "app.kubernetes.io/component": "sessions-bootstrap", ...PLATFORM_LABELS };

/** Non-root, above 10000, as the agents; the bootstrap pods' sidecars run as it too. */
export const BOOTSTRAP_USER = 10001;
const SQL_MOUNT = "/sql";

export interface BootstrapJob {
    agent: string;
    /** psql variables (`-v name=value`) the script reads as :'name' and :"name". */
    variables: Record<string, pulumi.Input<string>>;
    /** The agent's own environment of the psql container (its password, its database). */
    env: k8s.types.input.core.v1.EnvVar[];
}

export interface SessionBootstrapArgs {
    namespace: pulumi.Input<string>;
    image: string;
    /** The script, run with `ON_ERROR_STOP`; every statement must be safe to run again. */
    sql: string;
    /** How psql reaches the server as the administrator (PG* variables). */
    env: k8s.types.input.core.v1.EnvVar[];
    jobs: BootstrapJob[];
    /** Native sidecars of the Job's pods (the Cloud SQL Auth Proxy). */
    sidecars?: k8s.types.input.core.v1.Container[];
    serviceAccountName?: pulumi.Input<string>;
    labels?: Record<string, string>;
}

export class SessionBootstrap extends pulumi.ComponentResource {
    public readonly jobs: Record<string, k8s.batch.v1.Job> = {};

    constructor(name: string, args: SessionBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:sessions:SessionBootstrap", name, {}, opts);
        const labels = { ...args.labels, ...BOOTSTRAP_POD_LABELS };
        // Auto-named and immutable: a changed script is a new ConfigMap, and the Jobs that mount it are replaced.
        const script = new k8s.core.v1.ConfigMap(`${name}-sql`, {
            metadata: { namespace: args.namespace, labels },
            immutable: true,
            data: { "bootstrap.sql": args.sql },
        }, { parent: this });
        for (const job of args.jobs) {
            this.jobs[job.agent] = new k8s.batch.v1.Job(`${name}-${job.agent}`, {
                // Auto-named: the API server keeps a Job's template immutable, so a change replaces the Job,
                // and the new one must not wait for the old one's name.
                metadata: { namespace: args.namespace, labels: { ...labels, "adk-platform/agent": job.agent } },
                spec: {
                    backoffLimit: 6,
                    activeDeadlineSeconds: 900,
                    template: {
                        metadata: { labels: { ...labels, "adk-platform/agent": job.agent } },
                        spec: {
                            restartPolicy: "Never",
                            serviceAccountName: args.serviceAccountName,
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            securityContext: restrictedPod(BOOTSTRAP_USER),
                            initContainers: args.sidecars,
                            containers: [{
                                name: "psql",
                                image: args.image,
                                imagePullPolicy: "IfNotPresent",
                                command: ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1",
                                    ...Object.entries(job.variables).flatMap(([key, value]) => ["-v", pulumi.interpolate`${key}=${value}`]),
                                    "-f", `${SQL_MOUNT}/bootstrap.sql`],
                                env: [...args.env, ...job.env],
                                resources: containerResources(BOOTSTRAP_RESOURCES),
                                securityContext: restrictedContainer(BOOTSTRAP_USER),
                                volumeMounts: [{ name: "sql", mountPath: SQL_MOUNT, readOnly: true }, { name: "tmp", mountPath: "/tmp" }],
                            }],
                            volumes: [
                                { name: "sql", configMap: { name: script.metadata.name } },
                                { name: "tmp", emptyDir: { sizeLimit: "16Mi" } },
                            ],
                        },
                    },
                },
            }, { parent: this });
        }
        this.registerOutputs({});
    }
}

/** An environment variable from a key of a Secret. */
export function fromSecret(name: string, secret: pulumi.Input<string>, key: string): k8s.types.input.core.v1.EnvVar {
    return { name, valueFrom: { secretKeyRef: { name: secret, key } } };
}
