import * as assert from "node:assert/strict";
import { agentWorkloads, componentPlan } from "../../componentFixtures";
import { awsStack, container, IMAGE, planFor, podSpec } from "../../fixtures";
import { Plan, RecordedResource, RunOptions, SECRET } from "../../../tools/mockRuntime";
import { CONFIG_MAP, DEPLOYMENT, HPA, PDB, SERVICE, SERVICE_ACCOUNT } from "../../../tools/resourceTypes";

const SECRET_TYPE = "kubernetes:core/v1:Secret";


const workloads = (stack: Record<string, unknown>, options: Pick<RunOptions, "secretKeys"> = {}) => componentPlan(stack, (context) => void agentWorkloads(context), options);

const PROD = awsStack({
    environment: "prod",
    agents: [
        { name: "research-agent", image: IMAGE, canary: { tag: "1.5.0", weight: 20 } },
        { name: "support-agent", image: "ghcr.io/acme/support:2.0.0", replicas: 4, maxReplicas: 12, drainSeconds: 0 },
    ],
});

describe("AgentWorkload (adk:k8s:AgentWorkload)", () => {
    let dev: Plan;
    let prod: Plan;
    let stable: RecordedResource;

    before(async () => {
        dev = await workloads(awsStack({ agentSecrets: { "research-agent": { GOOGLE_API_KEY: "sk-dev-123" } } }), { secretKeys: ["agentSecrets"] });
        prod = await workloads(PROD);
        stable = dev.one(DEPLOYMENT, "research-agent-stable");
    });

    describe("component shape", () => {
        it("registers one component per agent with its children parented to it", () => {
            const components = prod.ofType("adk:k8s:AgentWorkload");
            assert.deepEqual(components.map((c) => c.name), ["research-agent", "support-agent"]);
            for (const component of components) {
                const children = prod.childrenOf(component.urn);
                // ServiceAccount, ConfigMap, and per track a Deployment, Service, HPA and PDB.
                assert.ok(children.length >= 6, `${component.name} has ${children.length} children`);
                for (const child of children) assert.ok(child.name.startsWith(`${component.name}-`), `child name ${child.name} is derived from ${component.name}`);
            }
        });

        // The program's wiring: every object of the whole stack, not only the agents'.
        it("creates every Kubernetes object through the stack's explicit provider", async () => {
            const prod = await planFor(PROD);
            const provider = prod.one("pulumi:providers:kubernetes", "cluster");
            const objects = prod.resources.filter((r) => r.type.startsWith("kubernetes:"));
            assert.ok(objects.length > 10);
            for (const object of objects) assert.equal(object.provider, provider.urn, `${object.type} ${object.name}`);
        });

        it("passes the configured kube context to the provider and keeps a kubeconfig secret", async () => {
            const plan = await componentPlan(awsStack({ kubeContext: "adk-dev", kubeconfig: "apiVersion: v1\nclusters: []" }), () => undefined, { secretKeys: ["kubeconfig"] });
            const provider = plan.one("pulumi:providers:kubernetes", "cluster");
            assert.equal(provider.inputs.context, "adk-dev");
            assert.equal(provider.inputs.kubeconfig, SECRET);
        });

        // The program's wiring as well: every namespaced object of the stack.
        it("puts every object in the configured namespace", async () => {
            const plan = await planFor(awsStack({ namespace: "agents-dev" }));
            // Grafana dashboards go where Grafana's sidecar looks (monitoring.dashboards.namespace).
            const dashboards = new Set(plan.ofType("adk:monitoring:AgentDashboard").map((d) => d.urn));
            const namespaced = plan.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:Namespace" && r.custom && !r.type.startsWith("pulumi:") && !dashboards.has(r.parent!));
            assert.ok(namespaced.length > 10);
            for (const object of namespaced) assert.equal(object.inputs.metadata.namespace, "agents-dev", object.name);
        });
    });

    describe("pod hardening (restricted Pod Security Standard and beyond)", () => {
        it("runs as a non-root, non-zero user with the RuntimeDefault seccomp profile", () => {
            const pod = podSpec(stable).securityContext;
            assert.equal(pod.runAsNonRoot, true);
            assert.ok(pod.runAsUser > 10000, "UID above 10000 (CKV_K8S_40)");
            assert.deepEqual(pod.seccompProfile, { type: "RuntimeDefault" });
            assert.equal(container(stable).securityContext.runAsNonRoot, true);
        });

        it("forbids privilege escalation and drops every capability", () => {
            const sc = container(stable).securityContext;
            assert.equal(sc.allowPrivilegeEscalation, false);
            assert.equal(sc.privileged, false);
            assert.deepEqual(sc.capabilities, { drop: ["ALL"] });
        });

        it("has a read-only root filesystem with a size-limited emptyDir mounted at /tmp", () => {
            assert.equal(container(stable).securityContext.readOnlyRootFilesystem, true);
            const mount = container(stable).volumeMounts.find((m: { mountPath: string }) => m.mountPath === "/tmp");
            assert.ok(mount, "a volume is mounted at /tmp (the root filesystem is read-only)");
            const volume = podSpec(stable).volumes.find((v: { name: string }) => v.name === mount.name);
            assert.deepEqual(volume.emptyDir, { sizeLimit: "256Mi" });
        });

        it("mounts no service account token, on the account or on the pod", () => {
            assert.equal(dev.one(SERVICE_ACCOUNT, "research-agent-sa").inputs.automountServiceAccountToken, false);
            assert.equal(podSpec(stable).automountServiceAccountToken, false);
            assert.equal(podSpec(stable).serviceAccountName, "research-agent");
        });

        it("sets the UID and /tmp size from config", async () => {
            const plan = await workloads(awsStack({ agents: [{ name: "research-agent", image: IMAGE, runAsUser: 20000, tmpSizeLimit: "1Gi" }] }));
            const d = plan.one(DEPLOYMENT, "research-agent-stable");
            assert.equal(podSpec(d).securityContext.runAsUser, 20000);
            assert.equal(podSpec(d).volumes[0].emptyDir.sizeLimit, "1Gi");
        });
    });

    describe("container", () => {
        it("uses the default resource requests and limits unless configured", async () => {
            assert.deepEqual(container(prod.one(DEPLOYMENT, "support-agent-stable")).resources, {
                requests: { cpu: "500m", memory: "512Mi" },
                limits: { cpu: "1000m", memory: "1Gi" },
            });
            const plan = await workloads(awsStack({ agents: [{ name: "research-agent", image: IMAGE, resources: { cpuRequest: "250m", memoryLimit: "2Gi" } }] }));
            const resources = container(plan.one(DEPLOYMENT, "research-agent-stable")).resources;
            assert.equal(resources.requests.cpu, "250m");
            assert.equal(resources.limits.memory, "2Gi");
        });

        it("has startup, liveness and readiness probes on the configured paths", () => {
            const c = container(stable);
            assert.equal(c.startupProbe.httpGet.path, "/health");
            assert.ok(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds >= 120, "slow starts get at least two minutes");
            assert.equal(c.livenessProbe.httpGet.path, "/health");
            assert.equal(c.livenessProbe.initialDelaySeconds, undefined, "the startup probe replaces the initial delay");
            assert.equal(c.readinessProbe.httpGet.path, "/health", "ADK serves /health and no /ready");
            assert.equal(c.readinessProbe.httpGet.port, "http");
        });

        it("pulls only when the image is missing: every image is pinned", () => {
            assert.equal(container(stable).imagePullPolicy, "IfNotPresent");
        });

        it("exposes the pod name and namespace and reads the ConfigMap and Secret it created", () => {
            const c = container(stable);
            const env = Object.fromEntries(c.env.map((e: { name: string; valueFrom?: { fieldRef: { fieldPath: string } } }) => [e.name, e.valueFrom?.fieldRef.fieldPath]));
            assert.equal(env.POD_NAME, "metadata.name");
            assert.equal(env.POD_NAMESPACE, "metadata.namespace");
            const configMap = dev.one(CONFIG_MAP, "research-agent-config");
            const secret = dev.one(SECRET_TYPE, "research-agent-secrets");
            assert.deepEqual(c.envFrom, [
                { configMapRef: { name: configMap.state.metadata.name } },
                { secretRef: { name: secret.state.metadata.name } },
            ]);
        });

        it("puts the agent's env into the ConfigMap", async () => {
            const plan = await workloads(awsStack({ agents: [{ name: "research-agent", image: IMAGE, env: { ADK_MODEL: "gemini-2.5-flash" } }] }));
            assert.equal(plan.one(CONFIG_MAP, "research-agent-config").inputs.data.ADK_MODEL, "gemini-2.5-flash");
        });

        it("creates no Secret and no secretRef for an agent without secrets", () => {
            assert.equal(prod.ofType(SECRET_TYPE).length, 0);
            assert.deepEqual(container(prod.one(DEPLOYMENT, "support-agent-stable")).envFrom.map(Object.keys), [["configMapRef"]]);
        });

        it("keeps the agent's secret values secret", () => {
            const secret = dev.one(SECRET_TYPE, "research-agent-secrets");
            assert.deepEqual(secret.inputs.stringData, { GOOGLE_API_KEY: SECRET });
            assert.ok(!JSON.stringify(dev.resources).includes("sk-dev-123"));
        });

        it("labels pods for selection, versions and tracks, and annotates them for scraping", () => {
            const labels = stable.inputs.spec.template.metadata.labels;
            assert.equal(labels.app, "research-agent");
            assert.equal(labels.component, "adk-agent");
            assert.equal(labels.version, "1.4.2");
            assert.equal(labels.track, "stable");
            assert.deepEqual(stable.inputs.spec.template.metadata.annotations, {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": "8000",
                "prometheus.io/path": "/metrics",
            });
            for (const [key, value] of Object.entries(stable.inputs.spec.selector.matchLabels)) assert.equal(labels[key], value, `selector ${key}`);
        });
    });

    describe("graceful shutdown behind a load balancer", () => {
        it("pauses in preStop for drainSeconds, within the termination grace period", () => {
            const c = container(stable);
            assert.deepEqual(c.lifecycle.preStop, { sleep: { seconds: 15 } });
            // The preStop pause, then five minutes to finish the agent runs in flight.
            assert.equal(podSpec(stable).terminationGracePeriodSeconds, 15 + 300);
        });

        it("skips the pause when drainSeconds is 0", () => {
            const d = prod.one(DEPLOYMENT, "support-agent-stable");
            assert.equal(container(d).lifecycle, undefined);
            assert.equal(podSpec(d).terminationGracePeriodSeconds, 300);
        });
    });

    describe("environment presets", () => {
        it("dev: one replica, up to three, no topology spread", () => {
            assert.equal(stable.inputs.spec.replicas, 1);
            assert.equal(dev.one(HPA, "research-agent-stable-hpa").inputs.spec.maxReplicas, 3);
            assert.equal(podSpec(stable).topologySpreadConstraints, undefined);
            assert.deepEqual(stable.inputs.spec.strategy.rollingUpdate, { maxUnavailable: 1, maxSurge: 1 });
        });

        it("prod: three replicas, up to ten, never below the desired count during a rollout", () => {
            const d = prod.one(DEPLOYMENT, "research-agent-stable");
            assert.equal(d.inputs.spec.replicas, 3);
            assert.equal(prod.one(HPA, "research-agent-stable-hpa").inputs.spec.maxReplicas, 10);
            assert.deepEqual(d.inputs.spec.strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
        });

        it("prod: spreads pods across zones (hard) and nodes (soft), per ReplicaSet", () => {
            const constraints = podSpec(prod.one(DEPLOYMENT, "research-agent-stable")).topologySpreadConstraints;
            assert.deepEqual(constraints.map((c: { topologyKey: string; whenUnsatisfiable: string }) => [c.topologyKey, c.whenUnsatisfiable]), [
                ["topology.kubernetes.io/zone", "DoNotSchedule"],
                ["kubernetes.io/hostname", "ScheduleAnyway"],
            ]);
            for (const c of constraints) {
                assert.deepEqual(c.labelSelector.matchLabels, { app: "research-agent", track: "stable" });
                assert.deepEqual(c.matchLabelKeys, ["pod-template-hash"]);
            }
        });

        it("an agent's own replica settings win over the stack's and the preset's", async () => {
            assert.equal(prod.one(DEPLOYMENT, "support-agent-stable").inputs.spec.replicas, 4);
            assert.equal(prod.one(HPA, "support-agent-stable-hpa").inputs.spec.maxReplicas, 12);
            const plan = await workloads(awsStack({ replicas: 2, maxReplicas: 6 }));
            assert.equal(plan.one(DEPLOYMENT, "research-agent-stable").inputs.spec.replicas, 2);
            assert.equal(plan.one(HPA, "research-agent-stable-hpa").inputs.spec.maxReplicas, 6);
        });
    });

    describe("autoscaling, disruption budget and service", () => {
        it("scales the Deployment on CPU 70% and memory 80% with the default scaling behaviour", () => {
            const hpa = dev.one(HPA, "research-agent-stable-hpa").inputs.spec;
            assert.deepEqual(hpa.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "research-agent" });
            assert.equal(hpa.minReplicas, 1);
            assert.deepEqual(hpa.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]), [["cpu", 70], ["memory", 80]]);
            assert.deepEqual(hpa.behavior.scaleUp, { stabilizationWindowSeconds: 60, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] });
            assert.deepEqual(hpa.behavior.scaleDown, { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] });
        });

        it("limits voluntary disruptions to one pod and lets unhealthy pods be evicted", () => {
            const pdb = dev.one(PDB, "research-agent-stable-pdb").inputs.spec;
            assert.equal(pdb.maxUnavailable, 1);
            assert.equal(pdb.unhealthyPodEvictionPolicy, "AlwaysAllow");
            assert.deepEqual(pdb.selector.matchLabels, stable.inputs.spec.selector.matchLabels);
        });

        it("serves port 80 to the named container port, selecting only its track", () => {
            const svc = dev.one(SERVICE, "research-agent-stable-svc").inputs;
            assert.equal(svc.metadata.name, "research-agent");
            assert.deepEqual(svc.spec.selector, { app: "research-agent", track: "stable" });
            assert.deepEqual(svc.spec.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
        });
    });

    describe("canary track", () => {
        it("runs a second Deployment and Service labelled track=canary with the canary image", () => {
            const canary = prod.one(DEPLOYMENT, "research-agent-canary");
            assert.equal(canary.inputs.metadata.name, "research-agent-canary");
            assert.equal(container(canary).image, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/adk/research-agent:1.5.0");
            assert.equal(canary.inputs.spec.template.metadata.labels.track, "canary");
            assert.equal(canary.inputs.spec.template.metadata.labels.version, "1.5.0");
            const svc = prod.one(SERVICE, "research-agent-canary-svc").inputs;
            assert.equal(svc.metadata.name, "research-agent-canary");
            assert.deepEqual(svc.spec.selector, { app: "research-agent", track: "canary" });
        });

        it("sizes the canary for its share of traffic, at least one pod", () => {
            // 20% of 3 stable replicas, rounded up.
            assert.equal(prod.one(DEPLOYMENT, "research-agent-canary").inputs.spec.replicas, 1);
            assert.equal(prod.one(HPA, "research-agent-canary-hpa").inputs.spec.minReplicas, 1);
        });

        it("hardens the canary exactly like the stable track", () => {
            const canary = container(prod.one(DEPLOYMENT, "research-agent-canary"));
            const stableProd = container(prod.one(DEPLOYMENT, "research-agent-stable"));
            assert.deepEqual(canary.securityContext, stableProd.securityContext);
            assert.deepEqual(canary.volumeMounts, stableProd.volumeMounts);
        });

        it("does not exist without canary settings", () => {
            const agentDeployments = prod.ofType(DEPLOYMENT).filter((d) => d.inputs.metadata.labels["app.kubernetes.io/component"] === "agent");
            assert.deepEqual(agentDeployments.map((d) => d.name).sort(), ["research-agent-canary", "research-agent-stable", "support-agent-stable"]);
            assert.deepEqual(dev.ofType(SERVICE).filter((s) => s.inputs.metadata.labels["app.kubernetes.io/component"] === "agent").map((s) => s.name), ["research-agent-stable-svc"]);
        });

        it("gives blue-green a full second track", async () => {
            const plan = await workloads(awsStack({ environment: "prod", agents: [{ name: "research-agent", image: IMAGE, strategy: "blue-green", canary: { tag: "1.5.0" } }] }));
            assert.equal(plan.one(DEPLOYMENT, "research-agent-canary").inputs.spec.replicas, 3);
        });
    });
});
