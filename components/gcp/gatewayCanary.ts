// The stack's global external Application Load Balancer on GKE, declared through the Gateway API
// (class gke-l7-global-external-managed, the EXTERNAL_MANAGED scheme): a static IP, a Google-managed
// certificate, an SSL policy, HTTP that only redirects, and per agent an HTTPRoute with weighted
// stable and canary backends (plus a header match for A/B tests and blue-green previews). GKE's
// Gateway controller creates the NEGs, backend services, health checks and firewall rules itself.
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServedRoute, Track } from "../../config/loadBalancer";
import { SERVICE_PORT } from "../k8s/agentWorkload";
import { CloudArmorPolicy } from "./cloudArmorPolicy";

export type GatewayAgent = ServedRoute<k8s.core.v1.Service>;

export interface GatewayCanaryArgs {
    agents: GatewayAgent[];
    namespace: pulumi.Input<string>;
    kubernetesProvider: k8s.Provider;
    domain: string;
    sslProfile: "MODERN" | "RESTRICTED";
    /** Backend timeout: how long a response (a streamed model answer) may take. */
    timeoutSeconds: number;
    stickinessSeconds: number;
    accessLogs: boolean;
    cloudArmor?: { rateLimit: number; allowedCidrs?: string[] };
    /** `protect` the static address (which DNS points at) and the Gateway. */
    protect: boolean;
    labels?: Record<string, string>;
}

export const GATEWAY_CLASS = "gke-l7-global-external-managed";
/** Seed thresholds (healthy 2, unhealthy 3, every 30 s, 5 s timeout), on the readiness path. */
const HEALTH_CHECK = { checkIntervalSec: 30, timeoutSec: 5, healthyThreshold: 2, unhealthyThreshold: 3 };

export class GatewayCanary extends pulumi.ComponentResource {
    public readonly address: gcp.compute.GlobalAddress;
    public readonly certificate: gcp.compute.ManagedSslCertificate;
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

    constructor(name: string, args: GatewayCanaryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:GatewayCanary", name, {}, opts);
        const parent = { parent: this };
        const inCluster = { parent: this, provider: args.kubernetesProvider };
        const labels = { ...args.labels, "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "adk-platform" };
        const hosts = [...new Set(args.agents.map((a) => a.host))];

        this.address = new gcp.compute.GlobalAddress(`${name}-ip`, { addressType: "EXTERNAL", ipVersion: "IPV4" }, { ...parent, protect: args.protect });
        this.certificate = new gcp.compute.ManagedSslCertificate(`${name}-cert`, { type: "MANAGED", managed: { domains: hosts } }, parent);
        this.sslPolicy = new gcp.compute.SSLPolicy(`${name}-tls`, { profile: args.sslProfile, minTlsVersion: "TLS_1_2" }, parent);
        this.cloudArmor = args.cloudArmor && new CloudArmorPolicy(`${name}-armor`, args.cloudArmor, parent);

        const gatewayName = name;
        this.gateway = new k8s.apiextensions.CustomResource(`${name}-gateway`, {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "Gateway",
            metadata: { name: gatewayName, namespace: args.namespace, labels },
            spec: {
                gatewayClassName: GATEWAY_CLASS,
                addresses: [{ type: "NamedAddress", value: this.address.name }],
                listeners: [
                    { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "Same" } } },
                    {
                        name: "https",
                        protocol: "HTTPS",
                        port: 443,
                        allowedRoutes: { namespaces: { from: "Same" } },
                        tls: { mode: "Terminate", options: { "networking.gke.io/pre-shared-certs": this.certificate.name } },
                    },
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

        this.routes = Object.fromEntries(args.agents.map((agent) => [agent.agent, this.routeFor(name, args, agent, gatewayRef, labels)]));
        for (const agent of args.agents) this.policiesFor(name, args, agent, labels);

        this.url = pulumi.output(`https://${args.domain}`);
        this.ipAddress = this.address.address;
        this.endpoints = Object.fromEntries(args.agents.map((a) => [a.agent, `https://${a.host}${a.pathPrefix ?? ""}/`]));
        this.backends = pulumi.output(Object.fromEntries(args.agents.map((agent) => [agent.agent, Object.fromEntries(agent.tracks.map((track) =>
            [track, pulumi.interpolate`${args.namespace}/${serviceOf(agent, track, this).metadata.name}`]))])));
        this.registerOutputs({ url: this.url, ipAddress: this.ipAddress, endpoints: this.endpoints, backends: this.backends });
    }

    private routeFor(name: string, args: GatewayCanaryArgs, agent: GatewayAgent, gatewayRef: Record<string, string>, labels: Record<string, string>) {
        const backend = (track: Track, weight?: number) => ({ name: serviceOf(agent, track, this).metadata.name, port: SERVICE_PORT, weight });
        const path = agent.pathPrefix === undefined ? undefined : { type: "PathPrefix", value: agent.pathPrefix };
        // The agents serve from "/", so the prefix that selected the agent is cut off.
        const filters = agent.pathPrefix === undefined ? undefined : [{ type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } }];
        const header = agent.headerRoute;
        return new k8s.apiextensions.CustomResource(`${name}-${agent.agent}-route`, {
            apiVersion: "gateway.networking.k8s.io/v1",
            kind: "HTTPRoute",
            metadata: { name: agent.agent, namespace: args.namespace, labels: { ...labels, app: agent.agent } },
            spec: {
                parentRefs: [{ ...gatewayRef, sectionName: "https" }],
                hostnames: [agent.host],
                rules: [
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
    private policiesFor(name: string, args: GatewayCanaryArgs, agent: GatewayAgent, labels: Record<string, string>): void {
        const inCluster = { parent: this, provider: args.kubernetesProvider };
        for (const track of agent.tracks) {
            const service = serviceOf(agent, track, this);
            const targetRef = { group: "", kind: "Service", name: service.metadata.name };
            const metadata = { name: service.metadata.name, namespace: args.namespace, labels: { ...labels, app: agent.agent, track } };
            new k8s.apiextensions.CustomResource(`${name}-${agent.agent}-${track}-health`, {
                apiVersion: "networking.gke.io/v1",
                kind: "HealthCheckPolicy",
                metadata,
                spec: {
                    default: { ...HEALTH_CHECK, config: { type: "HTTP", httpHealthCheck: { portSpecification: "USE_SERVING_PORT", requestPath: agent.readyPath } } },
                    targetRef,
                },
            }, inCluster);
            const sticky = args.stickinessSeconds > 0;
            new k8s.apiextensions.CustomResource(`${name}-${agent.agent}-${track}-backend`, {
                apiVersion: "networking.gke.io/v1",
                kind: "GCPBackendPolicy",
                metadata,
                spec: {
                    default: {
                        timeoutSec: args.timeoutSeconds,
                        // Equal to the pods' preStop pause: the load balancer stops sending before the agent stops serving.
                        connectionDraining: { drainingTimeoutSec: agent.drainSeconds },
                        logging: { enabled: args.accessLogs, sampleRate: args.accessLogs ? 1000000 : 0 },
                        securityPolicy: this.cloudArmor?.policyName,
                        sessionAffinity: sticky ? { type: "GENERATED_COOKIE", cookieTtlSec: args.stickinessSeconds } : undefined,
                    },
                    targetRef,
                },
            }, inCluster);
        }
    }
}

function serviceOf(agent: GatewayAgent, track: Track, parent: pulumi.Resource): k8s.core.v1.Service {
    const service = agent.services[track];
    if (service === undefined) throw new pulumi.ResourceError(`agent ${agent.agent} has no ${track} Service to route to`, parent);
    return service;
}
