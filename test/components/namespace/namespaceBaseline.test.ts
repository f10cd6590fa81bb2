// The agents' namespace and its guardrails: Pod Security labels, quota and container defaults
// from the environment, and read-only operator access with no rights for the agents themselves.
import * as assert from "node:assert/strict";
import { POD_SECURITY_VERSION } from "../../../components/kubernetes/hardening";
import { NamespaceBaseline } from "../../../components/namespace/namespaceBaseline";
import { READ } from "../../../components/namespace/operatorAccess";
import { platformFor } from "../../../components/platform";
import { componentPlan } from "../../componentFixtures";
import { awsStack, gcpStack, IMAGE, planFor } from "../../fixtures";
import { Plan } from "../../../tools/mockRuntime";

/** The stack's NamespaceBaseline, with the namespace labels its cloud asks for. */
function baseline(stack: Record<string, unknown>): Promise<Plan> {
    return componentPlan(stack, ({ config, cluster, labels }) => {
        const { quota, containerDefaults, operatorGroup } = config.security;
        new NamespaceBaseline("agents", { name: config.namespace, labels, namespaceLabels: platformFor(config).namespaceLabels, quota, containerDefaults, operatorGroup }, cluster);
    });
}

describe("NamespaceBaseline", () => {
    let dev: Plan;
    let prod: Plan;

    before(async () => {
        dev = await baseline(awsStack({ security: { operatorGroup: "oncall", aws: {} } }));
        prod = await baseline(awsStack({ environment: "prod" }));
    });

    it("enforces, audits and warns at restricted, pinned to a version", () => {
        const labels = dev.one("kubernetes:core/v1:Namespace", "agents-ns").inputs.metadata.labels;
        for (const mode of ["enforce", "audit", "warn"]) {
            assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted");
            assert.equal(labels[`pod-security.kubernetes.io/${mode}-version`], POD_SECURITY_VERSION);
        }
        assert.equal(labels["data-classification"], "confidential");
    });

    it("on AWS, has the load balancer controller give every pod behind a target group a readiness gate", async () => {
        const label = "elbv2.k8s.aws/pod-readiness-gate-inject";
        assert.equal(dev.one("kubernetes:core/v1:Namespace", "agents-ns").inputs.metadata.labels[label], "enabled");
        const gcp = await baseline(gcpStack());
        assert.equal(gcp.one("kubernetes:core/v1:Namespace", "agents-ns").inputs.metadata.labels[label], undefined, "GKE's NEG controller adds its own gate");
    });

    it("sizes the quota from the environment and forbids volume claims", () => {
        const hard = (plan: Plan) => plan.one("kubernetes:core/v1:ResourceQuota", "agents-quota").inputs.spec.hard;
        assert.deepEqual(hard(dev), { "requests.cpu": "4", "requests.memory": "8Gi", "limits.cpu": "8", "limits.memory": "16Gi", pods: "30", persistentvolumeclaims: "0" });
        assert.equal(hard(prod)["limits.cpu"], "64");
        assert.equal(hard(prod).pods, "100");
    });

    it("takes quota and container defaults from config", async () => {
        const plan = await baseline(awsStack({ security: { quota: { pods: 50 }, containerDefaults: { cpuLimit: "250m" }, aws: {} } }));
        assert.equal(plan.one("kubernetes:core/v1:ResourceQuota", "agents-quota").inputs.spec.hard.pods, "50");
        assert.deepEqual(plan.one("kubernetes:core/v1:LimitRange", "agents-limits").inputs.spec.limits, [{
            type: "Container",
            defaultRequest: { cpu: "100m", memory: "128Mi" },
            default: { cpu: "250m", memory: "512Mi" },
            max: { cpu: "4", memory: "8Gi" },
        }]);
    });

    it("grants the operator group read access to pods, logs and events only", () => {
        const role = dev.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "agents-role").inputs;
        assert.deepEqual(role.rules, [
            { apiGroups: [""], resources: ["pods", "pods/log", "events"], verbs: READ },
            { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: READ },
        ]);
        const binding = dev.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "agents-binding").inputs;
        assert.deepEqual(binding.subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "oncall" }]);
        assert.equal(binding.roleRef.name, role.metadata.name);
    });

    // Every binding of the whole stack, whichever component makes it.
    it("binds nothing to the agents' ServiceAccounts", async () => {
        const plan = await planFor(awsStack({ agents: [{ name: "research-agent", image: IMAGE }, { name: "support-agent", image: IMAGE }] }));
        const bindings = plan.resources.filter((r) => /rbac.authorization.k8s.io\/v1:(Cluster)?RoleBinding$/.test(r.type));
        const subjects = bindings.flatMap((b) => b.inputs.subjects ?? []);
        assert.ok(subjects.length > 0);
        const agentAccounts = subjects.filter((s: any) => s.kind === "ServiceAccount" && ["research-agent", "support-agent"].includes(s.name));
        assert.deepEqual(agentAccounts, []);
        for (const sa of plan.ofType("kubernetes:core/v1:ServiceAccount").filter((s) => s.inputs.metadata.labels?.component === "adk-agent")) {
            assert.equal(sa.inputs.automountServiceAccountToken, false);
        }
    });
});
