// The stack's global external Application Load Balancer on GKE, declared through the Gateway API
// (class gke-l7-global-external-managed, the EXTERNAL_MANAGED scheme): a static IP, a Certificate
// Manager map with one Google-managed certificate per served host, an SSL policy, HTTP that only
// redirects, and per agent an HTTPRoute with weighted stable and canary backends (plus a header
// match for A/B tests and blue-green previews). GKE's Gateway controller creates the NEGs, backend
// services, health checks and firewall rules itself.
import * as gcp from "../../sdk/gcp";
import * as k8s from "../../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeAuth } from "../auth";
import { allowedCidrs, LoadBalancerConfig } from "../config";
import { HEALTH_CHECK, type EdgeAgent, type EdgeArgs } from "../routes";
import { MANAGED_BY, PART_OF } from "../../kubernetes/labels";
import { PUBLIC_ROUTE_LABEL } from "../../../policy/labels";
import { agentSelector, DEV_ONLY_PREFIXES, SERVICE_PORT, Track } from "../../agents/contract";
import { autoNameBudget, fitName } from "../../naming/names";
import { CloudArmorPolicy } from "./cloudArmorPolicy";

/** A record the domain's DNS zone must hold. */
export interface DnsRecord {
    name: string;
    type: string;
    data: string;
}

/** The loadBalancer section as the Gateway takes it: authentication only of a kind it performs (IAP). */
export type GatewaySettings = Omit<LoadBalancerConfig, "aws" | "auth"> & { auth?: Extract<EdgeAuth, { kind: "iap" }> };

/** Identity-Aware Proxy in front of every non-public agent: its OAuth client, and who may pass it. */
type IapConfig = Extract<EdgeAuth, { kind: "iap" }>["config"];

export interface GatewayCanaryArgs extends EdgeArgs<GatewaySettings> {
    /** The project IAP's access grants are made in. */
    project: string;
}

/** The IAM role IAP checks for every request to a web backend (IAP docs, "Managing access to IAP-secured resources"). */
const IAP_ACCESSOR_ROLE = "roles/iap.httpsResourceAccessor";

export const GATEWAY_CLASS = "gke-l7-global-external-managed";
/** The Gateway annotation that attaches a Certificate Manager map to the load balancer's HTTPS proxy. */
export const CERTMAP_ANNOTATION = "networking.gke.io/certmap";
/** The platform's health check (routes.ts), as a HealthCheckPolicy spells it. */
const POLICY_HEALTH_CHECK = {
    checkIntervalSec: HEALTH_CHECK.intervalSeconds, timeoutSec: HEALTH_CHECK.timeoutSeconds,
    healthyThreshold: HEALTH_CHECK.healthyThreshold, unhealthyThreshold: HEALTH_CHECK.unhealthyThreshold,
};

export class GatewayCanary extends pulumi.ComponentResource {
    public readonly address: gcp.compute.GlobalAddress;
    /** The certificate map the HTTPS listener serves from, with an entry per host. */
    public readonly certificateMap: gcp.certificatemanager.CertificateMap;
    /** Host -> its own Google-managed certificate. */
    public readonly certificates: Record<string, gcp.certificatemanager.Certificate>;
    /** The CNAME records that let Google obtain each host's certificate; DNS must hold them. */
    public readonly dnsRecords: pulumi.Output<DnsRecord[]>;
    public readonly sslPolicy: gcp.compute.SSLPolicy;
    public readonly cloudArmor?: CloudArmorPolicy;
    public readonly gateway: k8s.apiextensions.CustomResource;
    /** Each agent's HTTPRoute. */
    public readonly routes: Record<string, k8s.apiextensions.CustomResource>;
    public readonly url: pulumi.Output<string>;
    /** The global IP address the domain must point at. */
    public readonly ipAddress: pulumi.Output<string>;
    public readonly endpoints: Record<string, string>;
    /** Agent -> track -> `namespace/Service` of the backend. */
    public readonly backends: pulumi.Output<Record<string, Partial<Record<Track, string>>>>;
    /** The OAuth client secret IAP signs users in with, where the GCPBackendPolicies can name it. */
    public readonly iapSecret?: k8s.core.v1.Secret;

    constructor(name: string, args: GatewayCanaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:GatewayCanary", name, {}, opts);
        const parent = { parent: this };
        const lb = args.loadBalancer;
        const inCluster = { parent: this, provider: args.kubernetesProvider };
        const labels = { ...args.labels, ...MANAGED_BY, ...PART_OF };
        const hosts = [...new Set(args.agents.map((a) => a.host))];

        this.address = new gcp.compute.GlobalAddress(`${name}-ip`, { addressType: "EXTERNAL", ipVersion: "IPV4" }, { ...parent, protect: args.protect });
        this.certificateMap = new gcp.certificatemanager.CertificateMap(`${name}-cert-map`, { description: `ADK agents under ${lb.domain}` }, parent);
        const perHost = hosts.map((host) => this.certificateFor(name, lb.domain, host));
        this.certificates = Object.fromEntries(perHost.map(({ host, certificate }) => [host, certificate]));
        this.dnsRecords = pulumi.all(perHost.map(({ authorization }) => authorization.dnsResourceRecords)).apply((records) => records.flat());
        this.sslPolicy = new gcp.compute.SSLPolicy(`${name}-tls`, { profile: lb.gcp.sslProfile, minTlsVersion: "TLS_1_2" }, parent);
        this.cloudArmor = !lb.waf ? undefined : new CloudArmorPolicy(`${name}-armor`, { rateLimit: lb.wafRateLimit, allowedCidrs: allowedCidrs(lb.ingressCidrs) }, parent);

        const gatewayName = name;
        this.gateway = new k8s.apiextensions.CustomResource(`${name}-gateway`, {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            // The certificate map replaces the listener's own certificates: GKE treats a certmap
            // annotation next to tls.certificateRefs as an error ("Secure a Gateway",
            // https://cloud.google.com/kubernetes-engine/docs/how-to/secure-gateway).
            metadata: { name: gatewayName, namespace: args.namespace, labels, annotations: { [CERTMAP_ANNOTATION]: this.certificateMap.name } },
            spec: {
                gatewayClassName: GATEWAY_CLASS,
                addresses: [{ type: "NamedAddress", value: this.address.name }],
                listeners: [
                    { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } },
                    { name: "https", protocol: "HTTPS", port: 443, allowedRoutes: { namespaces: { from: "Same" } } },
                ],
            },
        // Deleting the Gateway deletes the load balancer: prod protects it like the address.
        }, { ...inCluster, protect: args.protect });
        const gatewayRef = { group: "gateway.networking.k8s.io", kind: "Gateway", name: gatewayName };

        new k8s.apiextensions.CustomResource(`${name}-gateway-policy`, {
            apiVersion: "networking.gke.io/v1",
            kind: "GCPGatewayPolicy",
            metadata: { name: gatewayName, namespace: args.namespace, labels },
            spec: { default: { sslPolicy: this.sslPolicy.name }, targetRef: gatewayRef },
        }, { ...inCluster, dependsOn: [this.gateway] });

        new k8s.apiextensions.CustomResource(`${name}-redirect`, {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: `${gatewayName}-https-redirect`, namespace: args.namespace, labels },
            spec: {
                parentRefs: [{ ...gatewayRef, sectionName: "http" }],
                rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
            },
        }, { ...inCluster, dependsOn: [this.gateway] });

        this.iapSecret = lb.auth && this.iapFor(name, args, lb.auth.config, labels);
        this.routes = Object.fromEntries(args.agents.map((agent) => [agent.agent, this.routeFor(name, args, agent, gatewayRef, labels)]));
        for (const agent of args.agents) this.policiesFor(name, args, agent, labels);

        this.url = pulumi.output(`https://${lb.domain}`);
        this.ipAddress = this.address.address;
        this.endpoints = Object.fromEntries(args.agents.map((a) => [a.agent, `https://${a.host}${a.pathPrefix ?? ""}/`]));
        this.backends = pulumi.output(Object.fromEntries(args.agents.map((agent) => [agent.agent, Object.fromEntries(agent.tracks.map((track) =>
            [track, pulumi.interpolate`${args.namespace}/${serviceOf(agent, track, this).metadata.name}`]))])));
        this.registerOutputs({ url: this.url, ipAddress: this.ipAddress, endpoints: this.endpoints, backends: this.backends, dnsRecords: this.dnsRecords });
    }

    /**
     * One host's certificate, its DNS authorization and its map entry, named after the host's
     * label under the domain (the domain itself takes the bare names), so that adding or removing
     * an agent adds or removes only its own three resources and no other certificate is replaced.
     *
     * DNS authorization rather than load balancer authorization: Certificate Manager can then provision
     * a certificate before the load balancer serves the host (and while the Gateway's proxy is
     * being created), and it does not need the host's A record to point at the load balancer
     * first; load balancer authorization only provisions once the load balancer serves the domain
     * ("Domain authorization for Google-managed certificates",
     * https://cloud.google.com/certificate-manager/docs/domain-authorization). PER_PROJECT_RECORD
     * puts the CNAME under a project-specific name, so another project or ACME client using
     * `_acme-challenge.<host>` is not disturbed (terraform-provider-google,
     * certificate_manager_dns_authorization `type`).
     */
    private certificateFor(name: string, domain: string, host: string) {
        const parent = { parent: this };
        // The agent's part of the names is shortened so that the longest ("-cert-entry-") stays
        // within Certificate Manager's 63 characters once the provider has appended its suffix.
        const budget = autoNameBudget("gcp:certificatemanager/certificateMapEntry:CertificateMapEntry") - `${name}-cert-entry-`.length;
        const suffix = host === domain ? "" : `-${fitName(host.slice(0, -domain.length - 1), budget)}`;
        const authorization = new gcp.certificatemanager.DnsAuthorization(`${name}-dns-auth${suffix}`, {
            domain: host,
            type: "PER_PROJECT_RECORD",
            description: `Certificate Manager may obtain certificates for ${host}`,
        }, parent);
        // Scope DEFAULT, "served from core Google data centers", is the one for a global external
        // Application Load Balancer; EDGE_CACHE is served from edge points of presence and
        // ALL_REGIONS from every region (pulumi-gcp certificatemanager.Certificate `scope`).
        const certificate = new gcp.certificatemanager.Certificate(`${name}-cert${suffix}`, {
            scope: "DEFAULT",
            description: `ADK agents at ${host}`,
            managed: { domains: [host], dnsAuthorizations: [authorization.id] },
        }, parent);
        // No PRIMARY entry: every client of an agent sends the agent's host as SNI, and a primary
        // entry would tie names that no agent serves to one agent's certificate.
        new gcp.certificatemanager.CertificateMapEntry(`${name}-cert-entry${suffix}`, {
            map: this.certificateMap.name,
            hostname: host,
            certificates: [certificate.id],
        }, parent);
        return { host, certificate, authorization };
    }

    /**
     * The OAuth client's secret as a Kubernetes Secret under the key `key`, which a
     * GCPBackendPolicy's `iap.oauth2ClientSecret` names ("Configure Gateway resources using
     * Policies", Identity-Aware Proxy), and the accessor role for the configured members. The
     * backend services are named by GKE's controller, so the grant is on the project: it lets the
     * members through every IAP-secured web backend of the project, which is why a stack's agents
     * belong in a project of their own.
     */
    private iapFor(name: string, args: GatewayCanaryArgs, iap: IapConfig, labels: Record<string, string>): k8s.core.v1.Secret {
        for (const member of iap.members) {
            new gcp.projects.IAMMember(`${name}-iap-${member.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}`, { project: args.project, role: IAP_ACCESSOR_ROLE, member }, { parent: this });
        }
        return new k8s.core.v1.Secret(`${name}-iap-oauth`, {
            metadata: { namespace: args.namespace, labels },
            type: "Opaque",
            stringData: { key: iap.oauthClientSecret },
        }, { parent: this, provider: args.kubernetesProvider });
    }

    private routeFor(name: string, args: GatewayCanaryArgs, agent: EdgeAgent, gatewayRef: Record<string, string>, labels: Record<string, string>) {
        const backend = (track: Track, weight?: number) => ({ name: serviceOf(agent, track, this).metadata.name, port: SERVICE_PORT, weight });
        const path = agent.pathPrefix === undefined ? undefined : { type: "PathPrefix", value: agent.pathPrefix };
        // The agents serve from "/", so the prefix that selected the agent is cut off.
        const filters = agent.pathPrefix === undefined ? undefined : [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } }];
        const header = agent.headerRoute;
        return new k8s.apiextensions.CustomResource(`${name}-${agent.agent}-route`, {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: agent.agent, namespace: args.namespace, labels: { ...labels, ...agentSelector(agent.agent) } },
            spec: {
                parentRefs: [{ ...gatewayRef, sectionName: "https" }],
                hostnames: [agent.host],
                rules: [
                    // Outside dev, ADK's development paths match a rule without backends: a longer
                    // path prefix wins over the agent's own rules whatever their headers (Gateway
                    // API HTTPRoute match precedence), and the Gateway answers such a rule itself
                    // with an error, never forwarding (HTTPRouteRule backendRefs: with no valid
                    // backend and no filter, "all traffic which matches this rule MUST receive a
                    // 500 status code"). GKE has no fixed-response action to answer 404 instead.
                    ...(args.loadBalancer.devPathsClosed ? [{ matches: DEV_ONLY_PREFIXES.map((p) => ({ path: { type: "PathPrefix", value: `${agent.pathPrefix ?? ""}${p}` } })) }] : []),
                    // A header match is more specific than none, so Gateway API ranks this rule first.
                    ...(header ? [{
                        matches: [{ headers: [{ type: "Exact", name: header.name, value: header.value }], path }],
                        filters,
                        backendRefs: [backend(header.track)],
                    }] : []),
                    {
                        matches: path && [{ path }],
                        filters,
                        backendRefs: agent.tracks.map((track) => backend(track, agent.weights[track])),
                    },
                ],
            },
        }, { parent: this, provider: args.kubernetesProvider, dependsOn: [this.gateway] });
    }

    /** Per Service: the health check on the readiness path, and the backend service's settings. */
    private policiesFor(name: string, args: GatewayCanaryArgs, agent: EdgeAgent, labels: Record<string, string>): void {
        const inCluster = { parent: this, provider: args.kubernetesProvider };
        for (const track of agent.tracks) {
            const service = serviceOf(agent, track, this);
            const targetRef = { group: "", kind: "Service", name: service.metadata.name };
            const metadata = { name: service.metadata.name, namespace: args.namespace, labels: { ...labels, ...agentSelector(agent.agent), track } };
            const publicLabel: Record<string, string> = agent.public ? { [PUBLIC_ROUTE_LABEL]: "true" } : {};
            new k8s.apiextensions.CustomResource(`${name}-${agent.agent}-${track}-health`, {
                apiVersion: "networking.gke.io/v1",
                kind: "HealthCheckPolicy",
                metadata,
                spec: {
                    default: { ...POLICY_HEALTH_CHECK, config: { type: "HTTP", httpHealthCheck: { portSpecification: "USE_SERVING_PORT", requestPath: agent.readyPath } } },
                    targetRef,
                },
            }, inCluster);
            const sticky = args.loadBalancer.stickinessSeconds > 0;
            const auth = args.loadBalancer.auth;
            const iap = !agent.public && auth && this.iapSecret
                // IAP signs the user in and passes X-Goog-Authenticated-User-Email and the signed
                // X-Goog-IAP-JWT-Assertion to the agent.
                ? { enabled: true, oauth2ClientSecret: { name: this.iapSecret.metadata.name }, clientID: auth.config.oauthClientId }
                : undefined;
            new k8s.apiextensions.CustomResource(`${name}-${agent.agent}-${track}-backend`, {
                apiVersion: "networking.gke.io/v1",
                kind: "GCPBackendPolicy",
                metadata: { ...metadata, labels: { ...metadata.labels, ...publicLabel } },
                spec: {
                    default: {
                        timeoutSec: args.loadBalancer.idleTimeoutSeconds,
                        iap,
                        // The pods' whole termination budget, as on AWS: in-flight requests of a
                        // removed endpoint go on until the pod has had its time to finish them.
                        connectionDraining: { drainingTimeoutSec: agent.drainingSeconds },
                        logging: { enabled: args.loadBalancer.accessLogs, sampleRate: args.loadBalancer.accessLogs ? 1000000 : 0 },
                        securityPolicy: this.cloudArmor?.policyName,
                        sessionAffinity: sticky ? { type: "GENERATED_COOKIE", cookieTtlSec: args.loadBalancer.stickinessSeconds } : undefined,
                    },
                    targetRef,
                },
            }, inCluster);
        }
    }
}

function serviceOf(agent: EdgeAgent, track: Track, parent: pulumi.Resource): k8s.core.v1.Service {
    const service = agent.services[track];
    if (service === undefined) throw new pulumi.ResourceError(`agent ${agent.agent} has no ${track} Service to route to`, parent);
    return service;
}
