// Plain HTTP exists only to send clients to HTTPS: an HTTP listener or route that forwards would
// serve the agents' traffic in clear (PCI-DSS 4.2.1).
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { define, dependenciesOf } from "../lib";

export const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
export const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

function isHttpsRedirect(action: any): boolean {
    return action?.type === "redirect" && action.redirect?.protocol === "HTTPS";
}

function checkAws(resources: PolicyResource[], report: ReportViolation): void {
    const http = resources.filter((r) => r.type === "aws:lb/listener:Listener" && r.props.protocol === "HTTP");
    for (const listener of http) {
        const actions: any[] = listener.props.defaultActions ?? [];
        if (actions.length === 0 || !actions.every(isHttpsRedirect)) report("HTTP listener's default action must be a redirect to HTTPS", listener.urn);
    }
    const httpUrns = new Set(http.map((l) => l.urn));
    for (const rule of resources.filter((r) => r.type === "aws:lb/listenerRule:ListenerRule")) {
        const onHttp = dependenciesOf(rule, "listenerArn").some((l) => httpUrns.has(l.urn));
        if (onHttp && !(rule.props.actions ?? []).every(isHttpsRedirect)) report("rule on the HTTP listener must only redirect to HTTPS", rule.urn);
    }
}

/** Routes attached to a Gateway's HTTP listener: by section name, or to every listener when they name none. */
function checkGateway(resources: PolicyResource[], report: ReportViolation): void {
    for (const gateway of resources.filter((r) => r.type === GATEWAY)) {
        const { name, namespace } = gateway.props.metadata ?? {};
        const httpListeners: string[] = (gateway.props.spec?.listeners ?? []).filter((l: any) => l.protocol === "HTTP").map((l: any) => l.name);
        if (httpListeners.length === 0) continue;
        for (const route of resources.filter((r) => r.type === HTTP_ROUTE)) {
            const attaches = (route.props.spec?.parentRefs ?? []).some((ref: any) =>
                (ref.kind ?? "Gateway") === "Gateway" && ref.name === name && (ref.namespace ?? route.props.metadata?.namespace) === namespace
                && (ref.sectionName === undefined ? ref.port === undefined : httpListeners.includes(ref.sectionName)));
            if (!attaches) continue;
            const redirectsOnly = (route.props.spec?.rules ?? []).every((rule: any) =>
                (rule.backendRefs ?? []).length === 0 && (rule.filters ?? []).length > 0
                && rule.filters.every((f: any) => f.type === "RequestRedirect" && f.requestRedirect?.scheme === "https"));
            if (!redirectsOnly) report(`HTTPRoute ${route.props.metadata?.name} is attached to the HTTP listener of Gateway ${name} and does more than redirect to https`, route.urn);
        }
    }
}

function checkGoogle(resources: PolicyResource[], report: ReportViolation): void {
    for (const proxy of resources.filter((r) => r.type === "gcp:compute/targetHttpProxy:TargetHttpProxy")) {
        const maps = dependenciesOf(proxy, "urlMap").filter((m) => m.type === "gcp:compute/uRLMap:URLMap");
        if (maps.length === 0 || !maps.every((m) => m.props.defaultUrlRedirect?.httpsRedirect === true && (m.props.hostRules ?? []).length === 0)) {
            report("the HTTP proxy's URL map must only redirect to HTTPS (defaultUrlRedirect.httpsRedirect)", proxy.urn);
        }
    }
}

export const httpRedirectOnly = define({
    name: "lb-http-redirects-to-https",
    description: "HTTP listeners (ALB listeners and rules, Gateway HTTP listeners, GCP HTTP proxies) only redirect to HTTPS.",
    controls: { soc2: ["CC6.7"], gdpr: ["Art. 32(1)(a)"], hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"], pciDss: ["4.2.1"] },
    validateStack: (args, report) => {
        checkAws(args.resources, report);
        checkGateway(args.resources, report);
        checkGoogle(args.resources, report);
    },
});
