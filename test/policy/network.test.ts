// The load balancer policies of the pack (policy/network/), each with a passing and a violating case.
import assert from "node:assert/strict";
import { authenticatedInProd } from "../../policy/network/authenticatedInProd";
import { deletionProtection } from "../../policy/network/deletionProtection";
import { httpRedirectOnly } from "../../policy/network/httpRedirectOnly";
import { gatewayTlsPolicy, tlsMinimum } from "../../policy/network/tlsMinimum";
import { wafOnProd } from "../../policy/network/wafOnProd";
import { evaluatePolicies, formatViolation } from "../../tools/policies";
import { awsStack, IMAGE, planFor } from "../fixtures";
import { assertPasses, assertViolates, awsProvider, dependsOn, PROD_TAGS, res, TAGS, viaAws } from "./support";

describe("CrossGuard policy pack", () => {
    describe("lb-http-redirects-to-https", () => {
        const redirect = [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }];
        const gateway = res("kubernetes:gateway.networking.k8s.io/v1:Gateway", { metadata: { name: "edge", namespace: "a" }, spec: { gatewayClassName: "gke-l7-global-external-managed", listeners: [{ name: "http", protocol: "HTTP", port: 80 }, { name: "https", protocol: "HTTPS", port: 443 }] } });
        const route = (spec: any) => res("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", { metadata: { name: "r", namespace: "a" }, spec });
        it("passes an ALB HTTP listener that redirects", () => assertPasses(httpRedirectOnly, res("aws:lb/listener:Listener", { protocol: "HTTP", defaultActions: redirect })));
        it("flags an ALB HTTP listener that forwards", () => assertViolates(httpRedirectOnly, /redirect to HTTPS/, res("aws:lb/listener:Listener", { protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: "arn" }] })));
        it("flags a forwarding rule on the HTTP listener", async () => {
            const listener = res("aws:lb/listener:Listener", { protocol: "HTTP", defaultActions: redirect });
            await assertViolates(httpRedirectOnly, /rule on the HTTP listener/, listener, res("aws:lb/listenerRule:ListenerRule", { actions: [{ type: "forward" }] }, dependsOn({ listenerArn: [listener] })));
        });
        it("passes a Gateway whose HTTP listener only carries the redirect route", () => assertPasses(httpRedirectOnly, gateway,
            route({ parentRefs: [{ name: "edge", sectionName: "http" }], rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https" } }] }] }),
            route({ parentRefs: [{ name: "edge", sectionName: "https" }], rules: [{ backendRefs: [{ name: "svc", port: 80 }] }] })));
        it("flags a route that attaches to every listener, HTTP included", () => assertViolates(httpRedirectOnly, /HTTP listener of Gateway edge/, gateway,
            route({ parentRefs: [{ name: "edge" }], rules: [{ backendRefs: [{ name: "svc", port: 80 }] }] })));
    });

    describe("lb-tls-1-2-minimum", () => {
        it("passes TLS 1.3/1.2 policies", async () => {
            await assertPasses(tlsMinimum, res("aws:lb/listener:Listener", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" }));
            await assertPasses(tlsMinimum, res("gcp:compute/sSLPolicy:SSLPolicy", { minTlsVersion: "TLS_1_2", profile: "MODERN" }));
        });
        it("flags TLS 1.0/1.1 policies and a missing policy", async () => {
            await assertViolates(tlsMinimum, /sslPolicy/, res("aws:lb/listener:Listener", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-1-2021-06" }));
            await assertViolates(tlsMinimum, /sslPolicy/, res("aws:lb/listener:Listener", { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08" }));
            await assertViolates(tlsMinimum, /sslPolicy/, res("aws:lb/listener:Listener", { protocol: "HTTPS" }));
            await assertViolates(tlsMinimum, /TLS_1_2/, res("gcp:compute/sSLPolicy:SSLPolicy", { minTlsVersion: "TLS_1_0" }));
        });
    });

    describe("lb-gateway-ssl-policy", () => {
        const gateway = res("kubernetes:gateway.networking.k8s.io/v1:Gateway", { metadata: { name: "edge", namespace: "a" }, spec: { gatewayClassName: "gke-l7-global-external-managed", listeners: [{ name: "https", protocol: "HTTPS", port: 443 }] } });
        it("passes a Gateway with a GCPGatewayPolicy", () => assertPasses(gatewayTlsPolicy, gateway,
            res("kubernetes:networking.gke.io/v1:GCPGatewayPolicy", { metadata: { name: "edge", namespace: "a" }, spec: { default: { sslPolicy: "tls" }, targetRef: { kind: "Gateway", name: "edge" } } })));
        it("flags a Gateway without one", () => assertViolates(gatewayTlsPolicy, /no GCPGatewayPolicy/, gateway));
    });

    describe("lb-waf-in-prod", () => {
        const prod = awsProvider(PROD_TAGS);
        const alb = viaAws(prod, "aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "application" });
        it("passes a prod ALB with a web ACL association", () => assertPasses(wafOnProd, prod, alb, res("aws:wafv2/webAclAssociation:WebAclAssociation", { resourceArn: "arn" }, dependsOn({ resourceArn: [alb] }))));
        it("flags a prod ALB without one", () => assertViolates(wafOnProd, /WAFv2/, prod, alb));
        it("leaves dev alone", async () => {
            const dev = awsProvider(TAGS);
            await assertPasses(wafOnProd, dev, viaAws(dev, "aws:lb/loadBalancer:LoadBalancer", {}));
        });
        it("flags a prod GKE backend without Cloud Armor", () => assertViolates(wafOnProd, /Cloud Armor/, res("kubernetes:networking.gke.io/v1:GCPBackendPolicy", { metadata: { name: "b", labels: PROD_TAGS }, spec: { default: {} } })));
    });

    describe("lb-authenticated-in-prod", () => {
        const prod = awsProvider(PROD_TAGS);
        const forward = { type: "forward", order: 2, targetGroupArn: "arn" };
        const oidc = { type: "authenticate-oidc", order: 1, authenticateOidc: { clientId: "c" } };
        const listener = (defaultActions: any[], tags?: Record<string, string>) => viaAws(prod, "aws:lb/listener:Listener", { protocol: "HTTPS", defaultActions, tags });
        const rule = (actions: any[], tags: Record<string, string> = {}) => viaAws(prod, "aws:lb/listenerRule:ListenerRule", { actions, tags });
        const backend = (iap: unknown, labels: Record<string, string> = PROD_TAGS) => res("kubernetes:networking.gke.io/v1:GCPBackendPolicy", { metadata: { name: "b", labels }, spec: { default: { iap } } });
        it("passes forwards after an authenticate action, fixed responses, and IAP backends", () => assertPasses(authenticatedInProd, prod,
            listener([oidc, forward]), rule([{ ...oidc, type: "authenticate-cognito" }, forward]), rule([{ type: "fixed-response", fixedResponse: { statusCode: "404" } }]),
            backend({ enabled: true, clientID: "c" })));
        it("flags a prod forward without authentication, on the listener and on a rule", async () => {
            await assertViolates(authenticatedInProd, /listener forwards/, prod, listener([forward]));
            await assertViolates(authenticatedInProd, /listener rule forwards/, prod, rule([{ ...forward, order: 1 }, { ...oidc, order: 2 }]));
        });
        it("flags a prod GKE backend without IAP", () => assertViolates(authenticatedInProd, /does not enable Identity-Aware Proxy/, backend(undefined)));
        it("judges the OIDC rules of a planned prod stack offline: only the client secret is masked", async () => {
            const run = (await planFor(awsStack({ environment: "prod", agents: [{ name: "a", image: IMAGE }, { name: "b", image: IMAGE }] }))).run;
            const rules = run.resources.filter((r) => r.type === "aws:lb/listenerRule:ListenerRule" && r.inputs.actions.some((a: any) => a.type === "forward"));
            assert.ok(rules.length === 2 && rules.every((r) => r.inputs.actions[0].authenticateOidc.clientSecret === "[secret]" && r.inputs.actions[0].type === "authenticate-oidc"));
            assert.deepEqual((await evaluatePolicies(run, [authenticatedInProd])).map(formatViolation), []);
            for (const record of [rules[0].inputs, rules[0].state]) record.actions = record.actions.filter((a: any) => a.type === "forward");
            assert.deepEqual((await evaluatePolicies(run, [authenticatedInProd])).map((v) => v.resource?.name), [rules[0].name]);
        });
        it("lets a route labelled public through, and leaves dev alone", async () => {
            await assertPasses(authenticatedInProd, prod, rule([forward], { "adk-platform/public": "true" }), backend(undefined, { ...PROD_TAGS, "adk-platform/public": "true" }));
            const dev = awsProvider(TAGS);
            await assertPasses(authenticatedInProd, dev, viaAws(dev, "aws:lb/listener:Listener", { defaultActions: [forward] }));
        });
    });

    describe("lb-deletion-protection-in-prod", () => {
        const prod = awsProvider(PROD_TAGS);
        it("passes a protected prod ALB", () => assertPasses(deletionProtection, prod, viaAws(prod, "aws:lb/loadBalancer:LoadBalancer", { enableDeletionProtection: true })));
        it("flags an unprotected prod ALB", () => assertViolates(deletionProtection, /enableDeletionProtection/, prod, viaAws(prod, "aws:lb/loadBalancer:LoadBalancer", {})));
        it("flags an unprotected prod GKE Gateway", () => assertViolates(deletionProtection, /protect: true/, res("kubernetes:gateway.networking.k8s.io/v1:Gateway", { metadata: { labels: PROD_TAGS } })));
    });
});
