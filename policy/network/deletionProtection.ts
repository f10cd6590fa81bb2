// Deleting the prod load balancer takes every agent offline and loses its address and DNS.
import { define, forTypes, isProd } from "../lib";

const GOOGLE_FRONT = ["gcp:compute/globalAddress:GlobalAddress", "gcp:compute/globalForwardingRule:GlobalForwardingRule", "kubernetes:gateway.networking.k8s.io/v1:Gateway"];

export const deletionProtection = define({
    name: "lb-deletion-protection-in-prod",
    description: "In prod, the ALB has deletion protection on; the GCP load balancer's address, forwarding rule or Gateway is Pulumi-protected.",
    controls: { soc2: ["A1.2", "CC8.1"], gdpr: ["Art. 32(1)(c)"], hipaa: ["164.308(a)(7)"], pciDss: ["12.10.1"] },
    validateResource: forTypes(["aws:lb/loadBalancer:LoadBalancer", ...GOOGLE_FRONT], (props, args, report) => {
        if (!isProd(args)) return;
        if (args.type === "aws:lb/loadBalancer:LoadBalancer") {
            if (props.enableDeletionProtection !== true) report("prod load balancer must set enableDeletionProtection: true");
        } else if (args.opts?.protect !== true) {
            report("prod load balancer resource must be created with protect: true");
        }
    }),
});
