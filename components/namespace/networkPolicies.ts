// The agents' namespace denies all traffic, then allows exactly: the load balancer to each agent's
// port, Prometheus to the same port when it scrapes the agents' application metrics, DNS to the cluster's resolver, the agents to the
// OpenTelemetry collector, Prometheus to the collector's metrics ports (its own, and the request
// metrics it derives from the agents' spans), and HTTPS to the internet except the cloud metadata service, which
// would otherwise hand out the node's credentials to any pod.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AGENT_POD_SELECTOR } from "../agents/contract";
import type { EgressRule } from "./config";
import { BOOTSTRAP_POD_LABELS } from "../sessions/bootstrap";
import type { SessionStore } from "../sessions/store";

/** IMDS (AWS, GCP, Azure) on IPv4, and AWS's (fd00:ec2::254) and GCP's (fd20:ce::254) IPv6 metadata addresses. */
const METADATA_CIDRS = { ipv4: ["169.254.169.254/32"], ipv6: ["fd00:ec2::254/128", "fd20:ce::254/128"] };
const OTLP_PORTS = [4317, 4318];
/** CoreDNS on EKS and kube-dns on GKE both carry this label. */
const DNS_POD_SELECTOR = { "k8s-app": "kube-dns" };

/**
 * Where the pods' resolver answers: DNS pods in a namespace (CoreDNS, kube-dns), or an address on
 * the node (Cloud DNS for GKE answers at the metadata address, 169.254.169.254).
 */
export type ClusterDns = { pods: { namespace: string; labels: Record<string, string> } } | { address: string };

export const KUBE_DNS: ClusterDns = { pods: { namespace: "kube-system", labels: DNS_POD_SELECTOR } };

export interface AgentNetworkPoliciesArgs {
    namespace: pulumi.Input<string>;
    labels?: Record<string, string>;
    agents: { name: string; port: number }[];
    /** CIDRs the load balancer's traffic comes from (ALB subnets, Google front ends and health checks). */
    loadBalancerSourceRanges: pulumi.Input<string>[];
    /** Namespace of the Prometheus that scrapes the agents and the collector; no metrics ingress without it. */
    monitoringNamespace?: string;
    /** Prometheus scrapes the agents themselves (application metrics); with request metrics from spans it scrapes only the collector. */
    scrapeAgents: boolean;
    /** Labels of the OpenTelemetry collector's pods in the agents' namespace; no collector rules without it. */
    collectorSelector?: Record<string, string>;
    /** The collector's ports that Prometheus scrapes: its own metrics, and the agents' request metrics it derives from spans. */
    collectorMetricsPorts?: number[];
    /** Extra egress of the agents (and collector): the cloud's workload identity endpoint, databases, APIs. */
    egressAllow?: EgressRule[];
    dns: ClusterDns;
    /** The agents' session database: the agents reach it, and so do the Jobs that create their databases. */
    sessionStore?: Omit<SessionStore, "agents">;
}

type Rule = k8s.types.input.networking.v1.NetworkPolicyEgressRule;

export class AgentNetworkPolicies extends pulumi.ComponentResource {
    public readonly policies: k8s.networking.v1.NetworkPolicy[] = [];
    public readonly policyNames: pulumi.Output<string>[];

    constructor(name: string, args: AgentNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:security:AgentNetworkPolicies", name, {}, opts);
        const policy = (suffix: string, objectName: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) => {
            const created = new k8s.networking.v1.NetworkPolicy(`${name}-${suffix}`, {
                metadata: { name: objectName, namespace: args.namespace, labels: args.labels },
                spec,
            }, { parent: this });
            this.policies.push(created);
        };
        const tcp = (ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
        const inNamespace = (namespace: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } } });
        const internetHttps: Rule = {
            to: [
                { ipBlock: { cidr: "0.0.0.0/0", except: METADATA_CIDRS.ipv4 } },
                { ipBlock: { cidr: "::/0", except: METADATA_CIDRS.ipv6 } },
            ],
            ports: tcp([443]),
        };
        const extra: Rule[] = (args.egressAllow ?? []).map((rule) => ({
            to: [{ ipBlock: { cidr: rule.cidr } }],
            ports: rule.ports.map((port) => ({ protocol: rule.protocol, port })),
        }));

        const sessions: Rule[] = (args.sessionStore?.egress ?? []).map((target) => ({
            to: pulumi.output(target.cidrs).apply((cidrs) => cidrs.map((cidr) => ({ ipBlock: { cidr } }))),
            ports: tcp(target.ports),
        }));

        // No rules: once a pod is selected by a policy of a type, only what another policy allows passes.
        policy("default-deny", "default-deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

        policy("dns", "allow-dns", {
            podSelector: {},
            policyTypes: ["Egress"],
            egress: [{
                to: ["address" in args.dns
                    ? { ipBlock: { cidr: args.dns.address } }
                    : { ...inNamespace(args.dns.pods.namespace), podSelector: { matchLabels: args.dns.pods.labels } }],
                ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
            }],
        });

        for (const agent of args.agents) {
            const ingress = pulumi.output(args.loadBalancerSourceRanges).apply((ranges) => [
                // An empty `from` would admit every source, so no ranges means no load balancer rule.
                ...(ranges.length > 0 ? [{ from: ranges.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp([agent.port]) }] : []),
                ...(args.monitoringNamespace && args.scrapeAgents ? [{ from: [inNamespace(args.monitoringNamespace)], ports: tcp([agent.port]) }] : []),
            ]);
            policy(`${agent.name}-ingress`, `${agent.name}-ingress`, {
                podSelector: { matchLabels: { app: agent.name } },
                policyTypes: ["Ingress"],
                ingress,
            });
        }

        const collector: Rule[] = args.collectorSelector ? [{ to: [{ podSelector: { matchLabels: args.collectorSelector } }], ports: tcp(OTLP_PORTS) }] : [];
        policy("agents-egress", "agents-egress", {
            podSelector: { matchLabels: AGENT_POD_SELECTOR },
            policyTypes: ["Egress"],
            egress: [...collector, internetHttps, ...sessions, ...extra],
        });

        const bootstrap = args.sessionStore?.bootstrap;
        if (bootstrap) {
            // The database only, plus the cloud's API and workload identity where the proxy needs them.
            policy("sessions-bootstrap", "sessions-bootstrap-egress", {
                podSelector: { matchLabels: BOOTSTRAP_POD_LABELS },
                policyTypes: ["Egress"],
                egress: [...sessions, ...(bootstrap.needsHttps ? [internetHttps, ...extra] : [])],
            });
        }

        if (args.collectorSelector) {
            policy("collector", "otel-collector", {
                podSelector: { matchLabels: args.collectorSelector },
                policyTypes: ["Ingress", "Egress"],
                ingress: [
                    { from: [{ podSelector: { matchLabels: AGENT_POD_SELECTOR } }], ports: tcp(OTLP_PORTS) },
                    ...(args.monitoringNamespace && args.collectorMetricsPorts?.length ? [{ from: [inNamespace(args.monitoringNamespace)], ports: tcp(args.collectorMetricsPorts) }] : []),
                ],
                // Cloud trace services over HTTPS, or an OTLP backend (Jaeger, Tempo) in another namespace.
                egress: [internetHttps, { to: [{ namespaceSelector: {} }], ports: tcp(OTLP_PORTS) }, ...extra],
            });
        }

        this.policyNames = this.policies.map((p) => p.metadata.name);
        this.registerOutputs({ policyNames: this.policyNames });
    }
}
