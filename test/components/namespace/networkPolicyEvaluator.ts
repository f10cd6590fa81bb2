// A small evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), so that tests can
// ask "may this source reach that destination on this port?" of the planned policies, instead of
// comparing YAML. It follows the API reference: a pod selected by no policy of a direction is open
// in that direction; a selected pod admits only what some selecting policy's rule allows; a
// connection needs both the source's egress and the destination's ingress; an empty or missing
// `to`/`from`/`ports` matches everything.
import { BlockList, isIPv4 } from "node:net";
import type { Manifest } from "../../../tools/manifests";

export interface Endpoint {
    ip: string;
    /** Pods have a namespace and labels; an endpoint without a namespace is outside the cluster. */
    namespace?: string;
    labels?: Record<string, string>;
}

interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: "In" | "NotIn" | "Exists" | "DoesNotExist"; values?: string[] }[];
}

interface Peer {
    podSelector?: LabelSelector;
    namespaceSelector?: LabelSelector;
    ipBlock?: { cidr: string; except?: string[] };
}

interface PortSpec {
    protocol?: string;
    port?: number | string;
    endPort?: number;
}

interface Rule {
    peers?: Peer[];
    ports?: PortSpec[];
}

export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
    if (selector === undefined) return false;
    const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpressions = (selector.matchExpressions ?? []).every((e) => {
        switch (e.operator) {
            case "In": return k(e.key) && e.values!.includes(labels[e.key]);
            case "NotIn": return !k(e.key) || !e.values!.includes(labels[e.key]);
            case "Exists": return k(e.key);
            case "DoesNotExist": return !k(e.key);
        }
    });
    function k(key: string) {
        return Object.prototype.hasOwnProperty.call(labels, key);
    }
    return byLabels && byExpressions;
}

/** Whether `ip` is inside `cidr` (an address of the other family never is). */
export function inCidr(ip: string, cidr: string): boolean {
    const [network, prefix] = cidr.split("/");
    const family = isIPv4(network) ? "ipv4" : "ipv6";
    if ((family === "ipv4") !== isIPv4(ip)) return false;
    const list = new BlockList();
    list.addSubnet(network, Number(prefix), family);
    return list.check(ip, family);
}

export class NetworkPolicySet {
    private readonly policies: Manifest[];

    /**
     * @param manifests any Kubernetes objects; the NetworkPolicies among them are used.
     * @param namespaceLabels labels of each namespace (the API server adds kubernetes.io/metadata.name).
     */
    constructor(manifests: Manifest[], private readonly namespaceLabels: Record<string, Record<string, string>>) {
        this.policies = manifests.filter((m) => m.kind === "NetworkPolicy");
    }

    /** Whether a new connection from `source` to `destination` on `port` is allowed. */
    allows(source: Endpoint, destination: Endpoint, port: number, protocol = "TCP"): boolean {
        return this.permits("Egress", source, destination, port, protocol) && this.permits("Ingress", destination, source, port, protocol);
    }

    private permits(direction: "Ingress" | "Egress", pod: Endpoint, peer: Endpoint, port: number, protocol: string): boolean {
        if (pod.namespace === undefined) return true;
        const selecting = this.policies.filter((p) =>
            p.metadata.namespace === pod.namespace && selects((p.spec as any).podSelector, pod.labels ?? {}) && this.types(p).includes(direction));
        if (selecting.length === 0) return true;
        return selecting.some((p) => this.rules(p, direction).some((rule) =>
            this.portMatches(rule.ports, port, protocol) && (rule.peers === undefined || rule.peers.length === 0 || rule.peers.some((r) => this.peerMatches(r, peer, p.metadata.namespace)))));
    }

    private types(policy: Manifest): string[] {
        const spec = policy.spec as any;
        return spec.policyTypes ?? ["Ingress", ...(spec.egress ? ["Egress"] : [])];
    }

    private rules(policy: Manifest, direction: "Ingress" | "Egress"): Rule[] {
        const spec = policy.spec as any;
        return direction === "Ingress"
            ? (spec.ingress ?? []).map((r: any) => ({ peers: r.from, ports: r.ports }))
            : (spec.egress ?? []).map((r: any) => ({ peers: r.to, ports: r.ports }));
    }

    private portMatches(ports: PortSpec[] | undefined, port: number, protocol: string): boolean {
        if (ports === undefined || ports.length === 0) return true;
        return ports.some((p) => {
            if ((p.protocol ?? "TCP") !== protocol) return false;
            if (p.port === undefined) return true;
            if (typeof p.port === "string") throw new Error(`named port ${p.port}: the evaluator needs numeric ports`);
            return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
        });
    }

    private peerMatches(peer: Peer, endpoint: Endpoint, policyNamespace: string): boolean {
        if (peer.ipBlock) {
            return inCidr(endpoint.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(endpoint.ip, c));
        }
        if (endpoint.namespace === undefined) return false;
        const namespaceOk = peer.namespaceSelector === undefined
            ? endpoint.namespace === policyNamespace
            : selects(peer.namespaceSelector, this.namespaceLabels[endpoint.namespace] ?? {});
        const podOk = peer.podSelector === undefined || selects(peer.podSelector, endpoint.labels ?? {});
        return namespaceOk && podOk;
    }
}
