import * as k8s from "../sdk/kubernetes";
import type { PlatformConfig } from "../../config";

/**
 * The one Kubernetes provider of the stack, from config: a kubeconfig (secret) or a context name,
 * else the ambient kubeconfig. Every Kubernetes object is created through it, never through the
 * default provider, so a stack cannot deploy to whatever cluster the shell happens to point at
 * without saying so.
 */
export function kubernetesProvider(name: string, cluster: PlatformConfig["kubernetes"]): k8s.Provider {
    return new k8s.Provider(name, {
        kubeconfig: cluster.kubeconfig,
        context: cluster.context,
        enableServerSideApply: true,
    });
}
