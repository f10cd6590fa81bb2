// The Cloud SQL Auth Proxy as a native sidecar: an init container with `restartPolicy: Always`
// (Kubernetes 1.29+, "Sidecar Containers"), so it starts, and passes its startup probe, before
// the agent, keeps running beside it, stops after it, and lets a Job complete when its main
// container exits. It authenticates as the pod's Workload Identity and logs in with that identity's
// IAM database user (`--auto-iam-authn`), over the instance's private IP only (`--private-ip`)
// (GoogleCloudPlatform/cloud-sql-proxy cmd/root.go flags; examples/k8s-health-check, whose
// native-sidecar pod template this follows: health checks on 0.0.0.0:9801, exit zero on SIGTERM).
import type * as k8s from "../../sdk/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { restrictedContainer } from "../../kubernetes/hardening";
import { containerResources, POSTGRES_PORT, PROXY_RESOURCES } from "../store";

/** The proxy connects to the instance's server-side proxy on 3307 (Cloud SQL docs, "About the Cloud SQL Auth Proxy"). */
export const CLOUD_SQL_PROXY_PORT = 3307;
/** The proxy's health-check endpoints (`--health-check`: /startup, /liveness, /readiness). */
const HEALTH_PORT = 9801;

export function authProxySidecar(image: string, connectionName: pulumi.Input<string>, runAsUser: number): k8s.types.input.core.v1.Container {
    const probe = (path: string) => ({ httpGet: { path, port: HEALTH_PORT }, periodSeconds: 5, timeoutSeconds: 3 });
    return {
        name: "cloud-sql-proxy",
        image,
        imagePullPolicy: "IfNotPresent",
        restartPolicy: "Always",
        args: [
            "--auto-iam-authn",
            "--private-ip",
            "--structured-logs",
            // The kubelet stops a native sidecar with SIGTERM once the main container has exited; that is not a failure.
            "--exit-zero-on-sigterm",
            `--port=${POSTGRES_PORT}`,
            "--health-check",
            // The kubelet probes the pod's address, not localhost; the agent still connects on 127.0.0.1.
            "--http-address=0.0.0.0",
            `--http-port=${HEALTH_PORT}`,
            // On SIGTERM, wait for the agent's open connections as long as the agent may finish its runs.
            "--max-sigterm-delay=300s",
            connectionName,
        ],
        startupProbe: { ...probe("/startup"), failureThreshold: 30 },
        livenessProbe: { ...probe("/liveness"), failureThreshold: 3 },
        resources: containerResources(PROXY_RESOURCES),
        securityContext: restrictedContainer(runAsUser),
    };
}
