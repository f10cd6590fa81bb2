// The Kubernetes policies of the pack (policy/kubernetes/), each with a passing and a violating
// case, starting from the agent Deployment as the program plans it.
import assert from "node:assert/strict";
import { defaultDenyNetworkPolicy } from "../../policy/kubernetes/defaultDenyNetworkPolicy";
import { imagePinned } from "../../policy/kubernetes/imagePinned";
import { modelKeysNotInClear } from "../../policy/kubernetes/modelKeys";
import { namespaceRestricted } from "../../policy/kubernetes/namespaceRestricted";
import { podSecurityRestricted } from "../../policy/kubernetes/podSecurity";
import { probesSet } from "../../policy/kubernetes/probes";
import { rbacLeastPrivilege } from "../../policy/kubernetes/rbacLeastPrivilege";
import { readOnlyRootFilesystem } from "../../policy/kubernetes/readOnlyRootFilesystem";
import { resourcesSet } from "../../policy/kubernetes/resources";
import { serviceAccountTokenOff } from "../../policy/kubernetes/serviceAccountToken";
import { NODE_AGENT, PROFILE_LABEL } from "../../policy/lib";
import type { Plan, RecordedResource } from "../../tools/mockRuntime";
import { awsStack, planFor } from "../fixtures";
import { assertPasses, assertViolates, clone, gcpProvider, messages, plannedAgent, PROD_TAGS, res, TAGS } from "./support";

describe("CrossGuard policy pack", () => {
    let plan: Plan;
    /** The planned agent Deployment: the passing case the Kubernetes policies start from. */
    let deployment: RecordedResource;
    const podOf = (r: RecordedResource) => r.state.spec.template.spec;
    const changed = (edit: (spec: any, props: any) => void) => {
        const state = clone(deployment.state);
        edit(state.spec.template.spec, state);
        return res(deployment.type, state);
    };

    before(async () => {
        ({ plan, deployment } = await plannedAgent());
    });

    describe("k8s-pod-security-restricted", () => {
        it("passes the agent Deployment", () => assertPasses(podSecurityRestricted, deployment));
        it("flags privilege escalation, root, missing seccomp and added capabilities", async () => {
            const bad = changed((spec) => {
                delete spec.securityContext.seccompProfile;
                const sc = spec.containers[0].securityContext;
                sc.allowPrivilegeEscalation = true;
                sc.runAsUser = 0;
                delete sc.seccompProfile;
                sc.capabilities = { drop: ["NET_RAW"], add: ["SYS_ADMIN"] };
            });
            const found = await messages(podSecurityRestricted, bad);
            for (const pattern of [/allowPrivilegeEscalation/, /runAsUser is 0/, /seccomp/, /drop ALL/, /SYS_ADMIN/]) assert.ok(found.some((m) => pattern.test(m)), `${pattern}: ${found}`);
        });
        it("flags host namespaces and hostPath volumes", async () => {
            await assertViolates(podSecurityRestricted, /hostNetwork/, changed((spec) => { spec.hostNetwork = true; }));
            await assertViolates(podSecurityRestricted, /hostPath/, changed((spec) => { spec.volumes.push({ name: "docker", hostPath: { path: "/var/run" } }); }));
        });
        it("lets a declared node agent use hostPath and root without capabilities, and nothing more", async () => {
            const agent = (edit: (spec: any) => void = () => undefined) => {
                const r = changed((spec, props) => {
                    props.spec.template.metadata.labels[PROFILE_LABEL] = NODE_AGENT;
                    spec.volumes.push({ name: "varlog", hostPath: { path: "/var/log" } });
                    spec.securityContext = { seccompProfile: { type: "RuntimeDefault" } };
                    spec.containers[0].securityContext = { ...spec.containers[0].securityContext, runAsNonRoot: undefined, runAsUser: 0 };
                    edit(spec);
                });
                return { ...r, type: "kubernetes:apps/v1:DaemonSet" };
            };
            await assertPasses(podSecurityRestricted, agent());
            await assertViolates(podSecurityRestricted, /hostNetwork/, agent((spec) => { spec.hostNetwork = true; }));
            await assertViolates(podSecurityRestricted, /drop ALL/, agent((spec) => { spec.containers[0].securityContext.capabilities = { drop: [] }; }));
            await assertViolates(podSecurityRestricted, /privileged/, agent((spec) => { spec.containers[0].securityContext.privileged = true; }));
            // The same pod without the declaration is rejected.
            const undeclared = agent();
            delete undeclared.state.spec.template.metadata.labels[PROFILE_LABEL];
            await assertViolates(podSecurityRestricted, /hostPath/, undeclared);
        });
        it("checks init containers and CronJobs too", async () => {
            const cron = res("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: { ...clone(podOf(deployment)), initContainers: [{ name: "setup", image: "busybox:1.36", securityContext: { privileged: true } }] } } } } } });
            await assertViolates(podSecurityRestricted, /container setup is privileged/, cron);
        });
    });

    describe("k8s-read-only-root-filesystem", () => {
        it("passes the agent Deployment (read-only root, /tmp on an emptyDir)", () => assertPasses(readOnlyRootFilesystem, deployment));
        it("flags a writable root filesystem", () => assertViolates(readOnlyRootFilesystem, /readOnlyRootFilesystem/, changed((spec) => { spec.containers[0].securityContext.readOnlyRootFilesystem = false; })));
        it("flags a missing /tmp mount", () => assertViolates(readOnlyRootFilesystem, /no volume mounted at \/tmp/, changed((spec) => { spec.containers[0].volumeMounts = []; })));
        it("flags /tmp on a read-only volume", () => assertViolates(readOnlyRootFilesystem, /not a writable emptyDir/, changed((spec) => {
            spec.volumes = [{ name: "tmp", configMap: { name: "x" } }];
        })));
    });

    describe("k8s-resource-requests-and-limits", () => {
        it("passes the agent Deployment", () => assertPasses(resourcesSet, deployment));
        it("flags a container without a memory limit", () => assertViolates(resourcesSet, /limits\.memory/, changed((spec) => { delete spec.containers[0].resources.limits.memory; })));
    });

    describe("k8s-liveness-and-readiness-probes", () => {
        it("passes the agent Deployment", () => assertPasses(probesSet, deployment));
        it("flags a container without a readiness probe", () => assertViolates(probesSet, /readinessProbe/, changed((spec) => { delete spec.containers[0].readinessProbe; })));
        it("exempts Jobs", () => assertPasses(probesSet, res("kubernetes:batch/v1:Job", { spec: { template: { spec: { containers: [{ name: "once", image: "x:1" }] } } } })));
    });

    describe("k8s-image-pinned", () => {
        it("passes a tag and a digest", async () => {
            await assertPasses(imagePinned, deployment);
            await assertPasses(imagePinned, changed((spec) => { spec.containers[0].image = `registry.example.com:5000/agent@sha256:${"a".repeat(64)}`; }));
        });
        it("flags latest", () => assertViolates(imagePinned, /latest/, changed((spec) => { spec.containers[0].image = "registry.example.com/agent:latest"; })));
        it("flags an untagged image, even behind a registry port", () => assertViolates(imagePinned, /untagged/, changed((spec) => { spec.containers[0].image = "registry.example.com:5000/agent"; })));
    });

    describe("model-key-not-in-clear", () => {
        const secret = (labels: Record<string, string>) => res("kubernetes:core/v1:Secret", { metadata: { name: "s", labels }, stringData: { GOOGLE_API_KEY: "[secret]" } });
        it("passes the agent Deployment, its ConfigMap and a model key in a Secret on AWS", async () => {
            await assertPasses(modelKeysNotInClear, deployment, plan.one("kubernetes:core/v1:ConfigMap", "research-agent-config"), secret(PROD_TAGS));
        });
        it("flags a model key in a ConfigMap or a literal env value", async () => {
            await assertViolates(modelKeysNotInClear, /ConfigMap holds GOOGLE_API_KEY in clear/, res("kubernetes:core/v1:ConfigMap", { metadata: { name: "c" }, data: { GOOGLE_API_KEY: "k" } }));
            await assertViolates(modelKeysNotInClear, /sets GEMINI_API_KEY as a literal value/, changed((spec) => { spec.containers[0].env.push({ name: "GEMINI_API_KEY", value: "k" }); }));
            await assertPasses(modelKeysNotInClear, changed((spec) => { spec.containers[0].env.push({ name: "GEMINI_API_KEY", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }); }));
        });
        it("flags a model key in any Secret of a prod stack on GCP, and only there", async () => {
            await assertViolates(modelKeysNotInClear, /prod stack on GCP/, gcpProvider(PROD_TAGS), secret(PROD_TAGS));
            await assertPasses(modelKeysNotInClear, gcpProvider(TAGS), secret(TAGS));
        });
    });

    describe("k8s-no-service-account-token", () => {
        it("passes the agent's ServiceAccount and Deployment", async () => {
            await assertPasses(serviceAccountTokenOff, plan.one("kubernetes:core/v1:ServiceAccount", "research-agent-sa"), deployment);
        });
        it("flags a ServiceAccount that mounts its token", () => assertViolates(serviceAccountTokenOff, /ServiceAccount/, res("kubernetes:core/v1:ServiceAccount", { metadata: { name: "x" } })));
        it("flags a pod spec that does not opt out", () => assertViolates(serviceAccountTokenOff, /pod spec/, changed((spec) => { delete spec.automountServiceAccountToken; })));
        it("lets a declared node agent read pod metadata with its token", async () => {
            const labels = { [PROFILE_LABEL]: NODE_AGENT };
            await assertPasses(serviceAccountTokenOff, res("kubernetes:core/v1:ServiceAccount", { metadata: { name: "fluent-bit", labels }, automountServiceAccountToken: true }));
            await assertPasses(serviceAccountTokenOff, changed((spec, props) => { props.spec.template.metadata.labels = labels; spec.automountServiceAccountToken = true; }));
        });
    });

    describe("k8s-namespace-pod-security-restricted", () => {
        it("passes the agents' namespace", () => assertPasses(namespaceRestricted, plan.one("kubernetes:core/v1:Namespace", "agents-ns")));
        it("flags baseline enforcement and an unpinned version", async () => {
            const ns = clone(plan.one("kubernetes:core/v1:Namespace", "agents-ns").state);
            ns.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
            ns.metadata.labels["pod-security.kubernetes.io/warn-version"] = "latest";
            const found = await messages(namespaceRestricted, res("kubernetes:core/v1:Namespace", ns));
            assert.equal(found.length, 2, found.join("; "));
        });
        it("lets a declared node-agent namespace admit privileged pods only while it audits and warns at restricted", async () => {
            const plan = await planFor(awsStack({ environment: "staging", monitoring: { logging: { ship: true } } }));
            const ns = plan.one("kubernetes:core/v1:Namespace", "logs-ns");
            assert.equal(ns.state.metadata.labels["pod-security.kubernetes.io/enforce"], "privileged");
            await assertPasses(namespaceRestricted, ns);
            const quiet = clone(ns.state);
            quiet.metadata.labels["pod-security.kubernetes.io/audit"] = "privileged";
            await assertViolates(namespaceRestricted, /audit is "privileged"/, res("kubernetes:core/v1:Namespace", quiet));
        });
    });

    describe("k8s-namespace-default-deny", () => {
        const ns = (name: string) => res("kubernetes:core/v1:Namespace", { metadata: { name } });
        const netpol = (namespace: string, spec: any) => res("kubernetes:networking.k8s.io/v1:NetworkPolicy", { metadata: { name: "p", namespace }, spec });
        it("passes the agents' namespace with the planned policies", () => assertPasses(defaultDenyNetworkPolicy,
            ...plan.resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom && (r.state.metadata?.namespace ?? r.state.metadata?.name) === "adk-agents")));
        it("flags a namespace without one", () => assertViolates(defaultDenyNetworkPolicy, /namespace apps/, ns("apps")));
        it("does not count a policy that allows something or covers one direction", async () => {
            await assertViolates(defaultDenyNetworkPolicy, /apps/, ns("apps"), netpol("apps", { podSelector: {}, policyTypes: ["Ingress"] }));
            await assertViolates(defaultDenyNetworkPolicy, /apps/, ns("apps"), netpol("apps", { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [{}] }));
        });
        it("covers namespaces that workloads deploy into without creating them", () => assertViolates(defaultDenyNetworkPolicy, /namespace default/, changed((_spec, props) => { props.metadata.namespace = "default"; })));
    });

    describe("k8s-rbac-least-privilege", () => {
        it("passes the operator Role and binding", async () => {
            await assertPasses(rbacLeastPrivilege, ...plan.resources.filter((r) => r.type.includes("rbac.authorization.k8s.io")));
        });
        it("flags wildcards and secrets", async () => {
            const role = res("kubernetes:rbac.authorization.k8s.io/v1:Role", { rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }] });
            const found = await messages(rbacLeastPrivilege, role);
            assert.ok(found.some((m) => /"\*" in verbs/.test(m)) && found.some((m) => /secrets/.test(m)), found.join("; "));
        });
        it("flags a binding to cluster-admin", () => assertViolates(rbacLeastPrivilege, /cluster-admin/, res("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", { roleRef: { kind: "ClusterRole", name: "cluster-admin" } })));
    });
});
