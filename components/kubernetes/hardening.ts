// The Pod Security "restricted" profile as the platform writes it, for every workload it runs
// (agents, the trace collector, the log shipper) and every namespace it creates: one shape, so that
// a change to the profile reaches them all. The policy pack (policy/) checks the same fields.

/** The Pod Security Standards version namespaces are pinned to, so a cluster upgrade does not tighten admission unannounced. */
export const POD_SECURITY_VERSION = "v1.33";

type Level = "restricted" | "privileged";

/** A namespace's Pod Security labels: admission enforces `enforce`; audit and warn always report against restricted. */
export function podSecurityLabels(enforce: Level = "restricted"): Record<string, string> {
    return Object.fromEntries(
        (["enforce", "audit", "warn"] as const).flatMap((mode) => [
            [`pod-security.kubernetes.io/${mode}`, mode === "enforce" ? enforce : "restricted"],
            [`pod-security.kubernetes.io/${mode}-version`, POD_SECURITY_VERSION],
        ]),
    );
}

const RUNTIME_DEFAULT = { type: "RuntimeDefault" };

/** A pod's securityContext: a non-root user, which also owns the mounted volumes. */
export function restrictedPod(user: number) {
    return { runAsNonRoot: true, runAsUser: user, runAsGroup: user, fsGroup: user, seccompProfile: RUNTIME_DEFAULT };
}

/** What every container gives up: escalation, privilege, a writable root filesystem, every capability. */
const lockedDown = () => ({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: RUNTIME_DEFAULT });

/** A container's securityContext under the restricted profile. */
export function restrictedContainer(user: number) {
    return { runAsNonRoot: true, runAsUser: user, ...lockedDown() };
}

/**
 * A node agent's container that must read root's files (container logs are 0640 root): root, but
 * with every capability dropped, so it reads them and nothing else. Its namespace enforces
 * `privileged` for the hostPath volume; audit and warn still report every deviation.
 */
export function rootReaderContainer() {
    return { runAsUser: 0, ...lockedDown() };
}
