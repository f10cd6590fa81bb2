// The Pod Security Standard `restricted`, checked on the spec before it reaches the cluster: the
// namespace's admission would reject the pod anyway, but only after the Deployment was accepted
// and a rollout was under way.
import { containersOf, define, forPodSpecs, isNodeAgent, podLabelsOf } from "../lib";

const ALLOWED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
const SECCOMP = ["RuntimeDefault", "Localhost"];

/** What the restricted standard forbids; a node agent may use hostPath and run as root (without capabilities). */
export function restrictedViolations(spec: Record<string, any>, { nodeAgent = false } = {}): string[] {
    const problems: string[] = [];
    const allowedVolumes = nodeAgent ? [...ALLOWED_VOLUMES, "hostPath"] : ALLOWED_VOLUMES;
    const pod = spec.securityContext ?? {};
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[field] === true) problems.push(`${field} is true`);
    for (const volume of spec.volumes ?? []) {
        const kind = Object.keys(volume).find((k) => k !== "name");
        if (kind !== undefined && !allowedVolumes.includes(kind)) problems.push(`volume ${volume.name} is of type ${kind}`);
    }
    if (pod.runAsUser === 0 && !nodeAgent) problems.push("pod runAsUser is 0");
    for (const c of containersOf(spec)) {
        const sc = c.securityContext ?? {};
        const where = `container ${c.name}`;
        if (sc.privileged === true) problems.push(`${where} is privileged`);
        if (sc.allowPrivilegeEscalation !== false) problems.push(`${where} does not set allowPrivilegeEscalation: false`);
        if (!nodeAgent && (sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) problems.push(`${where} does not run as non-root (runAsNonRoot)`);
        if (!nodeAgent && sc.runAsUser === 0) problems.push(`${where} runAsUser is 0`);
        if (!SECCOMP.includes((sc.seccompProfile ?? pod.seccompProfile)?.type)) problems.push(`${where} has no RuntimeDefault or Localhost seccomp profile`);
        if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${where} does not drop ALL capabilities`);
        const added = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== "NET_BIND_SERVICE");
        if (added.length > 0) problems.push(`${where} adds capabilities ${added.join(", ")}`);
        if ((c.ports ?? []).some((p: any) => p.hostPort !== undefined && p.hostPort !== 0)) problems.push(`${where} uses a hostPort`);
    }
    return problems;
}

export const podSecurityRestricted = define({
    name: "k8s-pod-security-restricted",
    description: "Pods meet the restricted Pod Security Standard: non-root, no privilege escalation, ALL capabilities dropped, seccomp, no host namespaces or host volumes (a declared node agent may use hostPath and root without capabilities).",
    controls: { soc2: ["CC6.1", "CC6.8"], gdpr: ["Art. 32(1)(b)"], hipaa: ["164.312(a)(1)"], pciDss: ["2.2.1", "2.2.5"] },
    validateResource: forPodSpecs((spec, args, report) => {
        for (const problem of restrictedViolations(spec, { nodeAgent: isNodeAgent(podLabelsOf(args.type, args.props)) })) report(problem);
    }),
});
