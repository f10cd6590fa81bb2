// The agents' NetworkPolicies, tested as data: the planned policies go through a NetworkPolicy
// evaluator and a table of source -> destination:port cases must come out as expected.
import assert from "node:assert/strict";
import { AWS_LOAD_BALANCER, awsStack, configProblems, gcpStack, IMAGE, planFor } from "../../fixtures";
import { Plan } from "../../../tools/mockRuntime";
import { INVOKES } from "../../../tools/mockRuntime/mocks";
import { Endpoint, NetworkPolicySet, selects } from "./networkPolicyEvaluator";
import { isKubernetesObject, Manifest, toManifest } from "../../../tools/manifests";
import { GOOGLE_FRONT_END_RANGES } from "../../../components/platform/gcp";

const NS = "adk-agents";
const AGENTS = [
    { name: "research-agent", image: IMAGE },
    { name: "support-agent", image: IMAGE.replace("research", "support"), port: 9000 },
];

function manifests(plan: Plan): Manifest[] {
    return plan.resources.filter(isKubernetesObject).map(toManifest);
}

/** A pod of the plan: the labels its Deployment's template gives it. */
function agentPod(plan: Plan, name: string, ip: string): Endpoint {
    const deployment = manifests(plan).find((m) => m.kind === "Deployment" && m.metadata.name === name);
    assert.ok(deployment, `no Deployment ${name}`);
    return { ip, namespace: NS, labels: (deployment.spec as any).template.metadata.labels };
}

function cluster(plan: Plan): NetworkPolicySet {
    const agentsNamespace = manifests(plan).find((m) => m.kind === "Namespace")!;
    const ns = (name: string, labels: Record<string, string> = {}) => ({ ...labels, "kubernetes.io/metadata.name": name });
    return new NetworkPolicySet(manifests(plan), {
        [NS]: ns(NS, agentsNamespace.metadata.labels),
        "kube-system": ns("kube-system"),
        monitoring: ns("monitoring"),
        default: ns("default"),
    });
}

const dns: Endpoint = { ip: "172.20.0.10", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
const metricsServer: Endpoint = { ip: "172.20.0.11", namespace: "kube-system", labels: { "k8s-app": "metrics-server" } };
const prometheus: Endpoint = { ip: "172.20.1.5", namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } };
const stranger: Endpoint = { ip: "172.20.2.5", namespace: "default", labels: { app: "web" } };
/** The collector's pod, labelled as the planned collector Deployment labels it. */
const collectorPod = (plan: Plan): Endpoint => ({
    ip: "172.20.3.5", namespace: NS, labels: plan.one("kubernetes:apps/v1:Deployment", "traces-deployment").state.spec.template.metadata.labels,
});
const internet = (ip: string): Endpoint => ({ ip });
/** Addresses outside the cluster, named so that every case reads as source, destination, port. */
const client = internet("203.0.113.7");
const googleApi = internet("142.250.74.100");
const googleApiV6 = internet("2607:f8b0:4004:c1b::65");
/** The link-local metadata address: EC2's instance metadata service, GKE's metadata server under Dataplane V2. */
const metadata = internet("169.254.169.254");
const metadataV6 = internet("fd00:ec2::254");
/** GKE's metadata server on the legacy dataplane. */
const legacyMetadataServer = internet("169.254.169.252");
const database = internet("10.0.5.20");
const nextSubnet = internet("10.0.6.20");

type Case = [label: string, from: Endpoint, to: Endpoint, port: number, protocol: "TCP" | "UDP", verdict: "allow" | "deny"];

function check(set: NetworkPolicySet, cases: Case[]): void {
    const wrong = cases
        .filter(([, from, to, port, protocol, verdict]) => set.allows(from, to, port, protocol) !== (verdict === "allow"))
        .map(([label, , , port, protocol, verdict]) => `${label} ${protocol}/${port}: expected ${verdict}`);
    assert.deepEqual(wrong, []);
}

describe("AgentNetworkPolicies", () => {
    let plan: Plan;
    let set: NetworkPolicySet;
    let lb: Endpoint;
    let collector: Endpoint;

    before(async () => {
        plan = await planFor(awsStack({ agents: AGENTS }));
        set = cluster(plan);
        collector = collectorPod(plan);
        // An address inside the first ALB subnet, whatever CIDR the mocked lookup gives it.
        const cidr = INVOKES["aws:ec2/getSubnet:getSubnet"]({ id: AWS_LOAD_BALANCER.aws.publicSubnetIds[0] }, "eu-west-1").cidrBlock as string;
        lb = internet(cidr.replace(/\.0\/\d+$/, ".10"));
    });

    it("starts from a policy that selects every pod for both directions and allows nothing", () => {
        const deny = manifests(plan).filter((m) => m.kind === "NetworkPolicy" && m.metadata.name === "default-deny-all");
        assert.equal(deny.length, 1);
        assert.deepEqual(deny[0].spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    });

    it("allows exactly the listed flows on AWS", () => {
        const research = agentPod(plan, "research-agent", "172.20.4.1");
        const support = agentPod(plan, "support-agent", "172.20.4.2");
        check(set, [
            ["load balancer -> research", lb, research, 8000, "TCP", "allow"],
            ["load balancer -> support on its own port", lb, support, 9000, "TCP", "allow"],
            ["load balancer -> research, other port", lb, research, 9090, "TCP", "deny"],
            ["internet -> research", client, research, 8000, "TCP", "deny"],
            // Request metrics come from spans by default: Prometheus scrapes the collector, not the agents.
            ["prometheus -> research", prometheus, research, 8000, "TCP", "deny"],
            ["prometheus -> support", prometheus, support, 9000, "TCP", "deny"],
            ["pod in default -> research", stranger, research, 8000, "TCP", "deny"],
            ["research -> support (east-west)", research, support, 9000, "TCP", "deny"],
            ["research -> kube-dns", research, dns, 53, "UDP", "allow"],
            ["research -> kube-dns", research, dns, 53, "TCP", "allow"],
            ["research -> kube-dns, other port", research, dns, 80, "TCP", "deny"],
            ["research -> another kube-system pod", research, metricsServer, 53, "UDP", "deny"],
            ["research -> collector gRPC", research, collector, 4317, "TCP", "allow"],
            ["research -> collector HTTP", research, collector, 4318, "TCP", "allow"],
            ["research -> collector metrics", research, collector, 8888, "TCP", "deny"],
            ["prometheus -> collector metrics", prometheus, collector, 8888, "TCP", "allow"],
            ["prometheus -> collector span metrics", prometheus, collector, 8889, "TCP", "allow"],
            ["research -> collector span metrics", research, collector, 8889, "TCP", "deny"],
            ["pod in default -> collector span metrics", stranger, collector, 8889, "TCP", "deny"],
            ["prometheus -> collector OTLP", prometheus, collector, 4317, "TCP", "deny"],
            ["research -> internet HTTPS", research, googleApi, 443, "TCP", "allow"],
            ["research -> internet HTTPS over IPv6", research, googleApiV6, 443, "TCP", "allow"],
            ["research -> internet HTTP", research, googleApi, 80, "TCP", "deny"],
            ["research -> instance metadata", research, metadata, 80, "TCP", "deny"],
            ["research -> instance metadata over HTTPS", research, metadata, 443, "TCP", "deny"],
            ["research -> IPv6 instance metadata", research, metadataV6, 443, "TCP", "deny"],
            ["research -> GKE metadata server (not on AWS)", research, legacyMetadataServer, 988, "TCP", "deny"],
            ["research -> database", research, database, 5432, "TCP", "deny"],
            ["pod in default -> collector", stranger, collector, 4317, "TCP", "deny"],
            ["collector -> research", collector, research, 8000, "TCP", "deny"],
            ["collector -> cloud trace API", collector, googleApi, 443, "TCP", "allow"],
            ["collector -> instance metadata", collector, metadata, 80, "TCP", "deny"],
        ]);
    });

    it("selects every agent pod, canary track included, with the shared egress policy", async () => {
        const canaryPlan = await planFor(awsStack({ agents: [{ name: "research-agent", image: IMAGE, strategy: "canary", canary: { tag: "1.5.0", weight: 10 } }] }));
        const canary = agentPod(canaryPlan, "research-agent-canary", "172.20.4.3");
        const egress = manifests(canaryPlan).find((m) => m.metadata.name === "agents-egress")!;
        assert.ok(selects((egress.spec as any).podSelector, canary.labels!));
        check(cluster(canaryPlan), [
            ["load balancer -> canary", lb, canary, 8000, "TCP", "allow"],
            ["canary -> instance metadata", canary, metadata, 443, "TCP", "deny"],
        ]);
    });

    it("adds configured egress exceptions and nothing more", async () => {
        const withDb = await planFor(awsStack({ agents: AGENTS, security: { egressAllow: [{ cidr: "10.0.5.0/24", ports: [5432] }] } }));
        const research = agentPod(withDb, "research-agent", "172.20.4.1");
        check(cluster(withDb), [
            ["research -> database", research, database, 5432, "TCP", "allow"],
            ["research -> database, other port", research, database, 22, "TCP", "deny"],
            ["research -> outside the exception", research, nextSubnet, 5432, "TCP", "deny"],
        ]);
    });

    it("lets Prometheus scrape the agents, and no span metrics port, when they expose the application metrics", async () => {
        const app = await planFor(awsStack({ agents: AGENTS, monitoring: { requestMetrics: "app-metrics" } }));
        const research = agentPod(app, "research-agent", "172.20.4.1");
        const support = agentPod(app, "support-agent", "172.20.4.2");
        check(cluster(app), [
            ["prometheus -> research metrics", prometheus, research, 8000, "TCP", "allow"],
            ["prometheus -> support metrics", prometheus, support, 9000, "TCP", "allow"],
            ["prometheus -> research, other port", prometheus, research, 9100, "TCP", "deny"],
            ["prometheus -> collector metrics", prometheus, collectorPod(app), 8888, "TCP", "allow"],
            ["prometheus -> collector, span metrics port", prometheus, collectorPod(app), 8889, "TCP", "deny"],
        ]);
    });

    describe("session database", () => {
        /** A pod of a session bootstrap Job, labelled as its template labels it. */
        const bootstrapPod = (plan: Plan, ip: string): Endpoint => ({ ip, namespace: NS, labels: plan.ofType("kubernetes:batch/v1:Job")[0].state.spec.template.metadata.labels });

        it("on AWS, lets the agents and the bootstrap Jobs reach PostgreSQL in the database subnets, and nothing else new", async () => {
            // The fixtures' database subnets (…000a, …000b) are 10.0.10.0/24 and 10.0.11.0/24 in the mocked lookup.
            const prod = await planFor(awsStack({ environment: "prod", agents: AGENTS }));
            const research = agentPod(prod, "research-agent", "172.20.4.1");
            const job = bootstrapPod(prod, "172.20.4.9");
            check(cluster(prod), [
                ["research -> session database", research, internet("10.0.10.20"), 5432, "TCP", "allow"],
                ["research -> session database, second subnet", research, internet("10.0.11.20"), 5432, "TCP", "allow"],
                ["research -> session database, other port", research, internet("10.0.10.20"), 22, "TCP", "deny"],
                ["research -> PostgreSQL outside the database subnets", research, internet("10.0.12.20"), 5432, "TCP", "deny"],
                ["bootstrap -> session database", job, internet("10.0.10.20"), 5432, "TCP", "allow"],
                ["bootstrap -> internet HTTPS", job, internet("142.250.74.100"), 443, "TCP", "deny"],
                ["bootstrap -> research", job, research, 8000, "TCP", "deny"],
                ["bootstrap -> kube-dns", job, dns, 53, "UDP", "allow"],
                ["research -> bootstrap", research, job, 5432, "TCP", "deny"],
            ]);
        });

        it("on GKE, lets the Auth Proxy reach the instance on 3307 in the private services range and the Admin API over HTTPS", async () => {
            const prod = await planFor(gcpStack({ environment: "prod" }));
            const research = agentPod(prod, "research-agent", "10.8.0.5");
            const job = bootstrapPod(prod, "10.8.0.9");
            const instance = internet("10.200.0.3");
            check(cluster(prod), [
                ["research proxy -> Cloud SQL server-side proxy", research, instance, 3307, "TCP", "allow"],
                ["research -> Cloud SQL on 5432 directly", research, instance, 5432, "TCP", "deny"],
                ["research proxy -> Cloud SQL Admin API", research, internet("142.250.74.95"), 443, "TCP", "allow"],
                ["research -> 3307 outside the range", research, internet("10.201.0.3"), 3307, "TCP", "deny"],
                ["bootstrap proxy -> Cloud SQL", job, instance, 3307, "TCP", "allow"],
                ["bootstrap proxy -> Cloud SQL Admin API", job, internet("142.250.74.95"), 443, "TCP", "allow"],
                ["bootstrap -> GKE metadata server (Workload Identity)", job, internet("169.254.169.254"), 80, "TCP", "allow"],
                ["bootstrap -> research", job, research, 8000, "TCP", "deny"],
            ]);
        });
    });

    it("opens no path to a collector when tracing is off", async () => {
        const quiet = await planFor(awsStack({ agents: AGENTS, monitoring: { requestMetrics: "app-metrics", tracing: { enabled: false } } }));
        assert.equal(quiet.ofType("adk:monitoring:OtelCollector").length, 0);
        const research = agentPod(quiet, "research-agent", "172.20.4.1");
        check(cluster(quiet), [
            ["research -> former collector address", research, collector, 4317, "TCP", "deny"],
            ["prometheus -> former collector metrics", prometheus, collector, 8888, "TCP", "deny"],
            ["prometheus -> research metrics", prometheus, research, 8000, "TCP", "allow"],
        ]);
    });

    describe("GKE", () => {
        const frontEnd = internet(GOOGLE_FRONT_END_RANGES[0].replace(/\.0\.0\/16$/, ".3.4"));
        /** Per dataplane and DNS provider (stack overrides), the flows of the agent pod `research`. */
        const DATAPLANES: [string, Record<string, unknown>, (research: Endpoint) => Case[]][] = [
            ["admits Google's front ends; under Dataplane V2 and Cloud DNS (the defaults) reaches the GKE metadata server and resolves through it", {}, (research) => [
                ["Google front end -> research", frontEnd, research, 8000, "TCP", "allow"],
                ["internet -> research", client, research, 8000, "TCP", "deny"],
                ["research -> GKE metadata server (Workload Identity)", research, metadata, 80, "TCP", "allow"],
                ["research -> metadata address, other port", research, metadata, 8080, "TCP", "deny"],
                ["research -> Cloud DNS at the metadata address", research, metadata, 53, "UDP", "allow"],
                ["research -> Cloud DNS over TCP", research, metadata, 53, "TCP", "allow"],
                ["research -> kube-dns pods (not the resolver here)", research, dns, 53, "UDP", "deny"],
                ["research -> legacy metadata server port", research, legacyMetadataServer, 988, "TCP", "deny"],
            ]],
            ["on the legacy dataplane with kube-dns, allows exactly those flows instead", { security: { gcp: { dataplaneV2: false, dns: "kube-dns" } } }, (research) => [
                ["research -> GKE metadata server", research, legacyMetadataServer, 988, "TCP", "allow"],
                ["research -> metadata address", research, metadata, 80, "TCP", "deny"],
                ["research -> kube-dns", research, dns, 53, "UDP", "allow"],
                ["research -> metadata address DNS", research, metadata, 53, "UDP", "deny"],
            ]],
        ];
        for (const [label, overrides, flows] of DATAPLANES) {
            it(label, async () => {
                const gcp = await planFor(gcpStack(overrides));
                check(cluster(gcp), flows(agentPod(gcp, "research-agent", "10.8.0.5")));
            });
        }

        it("refuses an unknown DNS provider, naming the key", async () => {
            const lines = await configProblems(gcpStack({ security: { gcp: { dns: "coredns" } } }));
            assert.ok(lines.includes(`adk-platform:security.gcp.dns: must be one of cloud-dns, kube-dns, got "coredns"`), lines.join("\n"));
        });
    });

    it("labels every policy with the stack's classification", () => {
        for (const policy of manifests(plan).filter((m) => m.kind === "NetworkPolicy")) {
            assert.equal(policy.metadata.labels["data-classification"], "confidential", policy.metadata.name);
        }
    });

    describe("the evaluator itself", () => {
        const np = (namespace: string, spec: any): Manifest => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p", namespace }, spec });
        const a: Endpoint = { ip: "10.0.0.1", namespace: "a", labels: { app: "x" } };
        const b: Endpoint = { ip: "10.0.0.2", namespace: "b", labels: { app: "y" } };
        const namespaces = { a: { "kubernetes.io/metadata.name": "a" }, b: { "kubernetes.io/metadata.name": "b", team: "t" } };

        it("leaves pods that no policy selects open", () => {
            assert.ok(new NetworkPolicySet([], namespaces).allows(a, b, 80));
        });
        it("treats an empty from as every source", () => {
            const set = new NetworkPolicySet([np("b", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 80 }] }] })], namespaces);
            assert.ok(set.allows(a, b, 80));
            assert.ok(!set.allows(a, b, 81));
        });
        it("ANDs a namespace and a pod selector in one peer, ORs separate peers", () => {
            const both = new NetworkPolicySet([np("b", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "t" } }, podSelector: { matchLabels: { app: "x" } } }] }] })], namespaces);
            assert.ok(!both.allows(a, b, 80), "a's namespace lacks team=t");
            const either = new NetworkPolicySet([np("b", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "t" } } }, { podSelector: { matchLabels: { app: "x" } } }] }] })], namespaces);
            assert.ok(!either.allows(a, b, 80), "a bare podSelector means pods of the policy's own namespace");
            assert.ok(either.allows({ ...b, ip: "10.0.0.3" }, b, 80));
        });
        it("needs both the source's egress and the destination's ingress", () => {
            const set = new NetworkPolicySet([np("a", { podSelector: {}, policyTypes: ["Egress"] })], namespaces);
            assert.ok(!set.allows(a, b, 80));
            assert.ok(set.allows(b, a, 80));
        });
    });
});
