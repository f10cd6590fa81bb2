// Without a readiness probe a pod takes traffic before it can serve; without a liveness probe a
// hung agent is never restarted. Batch workloads run to completion and are exempt.
import { define, forTypes, podSpecOf } from "../lib";

const LONG_RUNNING = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet", "kubernetes:apps/v1:ReplicaSet", "kubernetes:core/v1:Pod"];

export const probesSet = define({
    name: "k8s-liveness-and-readiness-probes",
    description: "Every container of a long-running workload has a liveness and a readiness probe.",
    controls: { soc2: ["A1.2", "CC7.1"], gdpr: ["Art. 32(1)(c)"], hipaa: ["164.308(a)(7)(ii)(B)"], pciDss: ["2.2.1"] },
    validateResource: forTypes(LONG_RUNNING, (props, args, report) => {
        for (const c of podSpecOf(args.type, props)?.containers ?? []) {
            for (const probe of ["livenessProbe", "readinessProbe"]) if (c[probe] === undefined) report(`container ${c.name} has no ${probe}`);
        }
    }),
});
