// Internet-facing agents in prod sit behind a web application firewall: AWS WAF on the ALB, Cloud
// Armor on every GKE backend (CKV2_AWS_28; PCI-DSS 6.4.2 asks for an automated technical solution).
import { define, dependenciesOf, isProd, ofType } from "../lib";

export const wafOnProd = define({
    name: "lb-waf-in-prod",
    description: "In prod, every Application Load Balancer has a WAFv2 web ACL association and every GKE backend (GCPBackendPolicy, BackendService) a Cloud Armor policy.",
    controls: { soc2: ["CC6.6", "CC7.2"], gdpr: ["Art. 32(1)(b)"], hipaa: ["164.308(a)(1)(ii)(B)"], pciDss: ["6.4.2"] },
    validateStack: (args, report) => {
        const associated = new Set(ofType(args, "aws:wafv2/webAclAssociation:WebAclAssociation").flatMap((a) => dependenciesOf(a, "resourceArn").map((lb) => lb.urn)));
        for (const lb of ofType(args, "aws:lb/loadBalancer:LoadBalancer").filter(isProd)) {
            if ((lb.props.loadBalancerType ?? "application") === "application" && !associated.has(lb.urn)) report("prod Application Load Balancer has no WAFv2 web ACL association", lb.urn);
        }
        for (const policy of ofType(args, "kubernetes:networking.gke.io/v1:GCPBackendPolicy").filter(isProd)) {
            if (!policy.props.spec?.default?.securityPolicy) report(`prod GCPBackendPolicy ${policy.props.metadata?.name} sets no Cloud Armor securityPolicy`, policy.urn);
        }
        for (const backend of ofType(args, "gcp:compute/backendService:BackendService").filter(isProd)) {
            if ((backend.props.loadBalancingScheme ?? "EXTERNAL").startsWith("EXTERNAL") && !backend.props.securityPolicy) report("prod external backend service has no Cloud Armor securityPolicy", backend.urn);
        }
    },
});
