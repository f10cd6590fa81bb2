// TLS 1.0 and 1.1 are gone from PCI-DSS (since 2018) and from the NIST guidance HIPAA points to.
import { define, forTypes, ofType } from "../lib";
import { GATEWAY } from "./httpRedirectOnly";

/** ELB security policies whose lowest protocol is TLS 1.2 or 1.3 (the TLS13-1-0/1-1 and 2016-08 families allow older). */
export const ELB_TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)(-[\w-]+)?$/;
const GOOGLE_TLS12 = ["TLS_1_2", "TLS_1_3"];

export const tlsMinimum = define({
    name: "lb-tls-1-2-minimum",
    description: "TLS listeners and SSL policies accept TLS 1.2 or newer only.",
    controls: { soc2: ["CC6.7"], gdpr: ["Art. 32(1)(a)"], hipaa: ["164.312(e)(2)(ii)"], pciDss: ["4.2.1"] },
    validateResource: forTypes(["aws:lb/listener:Listener", "gcp:compute/sSLPolicy:SSLPolicy", "gcp:compute/targetHttpsProxy:TargetHttpsProxy"], (props, args, report) => {
        if (args.type === "aws:lb/listener:Listener") {
            if (["HTTPS", "TLS"].includes(props.protocol) && !ELB_TLS12_POLICY.test(props.sslPolicy ?? "")) {
                report(`${props.protocol} listener's sslPolicy must allow TLS 1.2 or newer only (ELBSecurityPolicy-TLS13-1-2-...), got ${JSON.stringify(props.sslPolicy)}`);
            }
        } else if (args.type === "gcp:compute/sSLPolicy:SSLPolicy") {
            if (!GOOGLE_TLS12.includes(props.minTlsVersion)) report(`minTlsVersion must be TLS_1_2 or TLS_1_3, got ${JSON.stringify(props.minTlsVersion)}`);
        } else if (props.sslPolicy === undefined) {
            report("HTTPS proxy has no sslPolicy, so Google's default (TLS 1.0) applies");
        }
    }),
});

/** A GKE Gateway with an HTTPS listener gets its TLS floor from a GCPGatewayPolicy; without one, Google's default is TLS 1.0. */
export const gatewayTlsPolicy = define({
    name: "lb-gateway-ssl-policy",
    description: "Every Gateway with an HTTPS listener has a GCPGatewayPolicy that sets an SSL policy.",
    controls: tlsMinimum.controls,
    validateStack: (args, report) => {
        const policies = ofType(args, "kubernetes:networking.gke.io/v1:GCPGatewayPolicy").filter((p) => p.props.spec?.default?.sslPolicy !== undefined);
        for (const gateway of ofType(args, GATEWAY)) {
            if (!(gateway.props.spec?.gatewayClassName ?? "").startsWith("gke-")) continue;
            if (!(gateway.props.spec?.listeners ?? []).some((l: any) => l.protocol === "HTTPS")) continue;
            const { name, namespace } = gateway.props.metadata ?? {};
            const covered = policies.some((p) => p.props.spec?.targetRef?.name === name && (p.props.metadata?.namespace ?? namespace) === namespace);
            if (!covered) report(`Gateway ${name} has no GCPGatewayPolicy with an sslPolicy`, gateway.urn);
        }
    },
});
