// The CrossGuard pack (policy/): each policy with a passing and a violating case, run through the
// same adapter as the offline plan (tools/policies.ts), and the stacks themselves against every
// mandatory policy.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { POLICIES } from "../../policy/all";
import { bucketNoPublicGrant, bucketsPrivateEncrypted } from "../../policy/data/buckets";
import { classificationTags } from "../../policy/data/classification";
import { kmsRotation } from "../../policy/data/kmsRotation";
import { logRetention } from "../../policy/data/logRetention";
import { secretEncryption } from "../../policy/data/secretEncryption";
import { secretRotation } from "../../policy/data/secretRotation";
import { defaultDenyNetworkPolicy } from "../../policy/kubernetes/defaultDenyNetworkPolicy";
import { imagePinned } from "../../policy/kubernetes/imagePinned";
import { namespaceRestricted } from "../../policy/kubernetes/namespaceRestricted";
import { podSecurityRestricted } from "../../policy/kubernetes/podSecurity";
import { probesSet } from "../../policy/kubernetes/probes";
import { rbacLeastPrivilege } from "../../policy/kubernetes/rbacLeastPrivilege";
import { readOnlyRootFilesystem } from "../../policy/kubernetes/readOnlyRootFilesystem";
import { resourcesSet } from "../../policy/kubernetes/resources";
import { serviceAccountTokenOff } from "../../policy/kubernetes/serviceAccountToken";
import { AdkPolicy, FRAMEWORK_NAMES, NODE_AGENT, PROFILE_LABEL } from "../../policy/lib";
import { authenticatedInProd } from "../../policy/network/authenticatedInProd";
import { deletionProtection } from "../../policy/network/deletionProtection";
import { httpRedirectOnly } from "../../policy/network/httpRedirectOnly";
import { gatewayTlsPolicy, tlsMinimum } from "../../policy/network/tlsMinimum";
import { wafOnProd } from "../../policy/network/wafOnProd";
import { plan as planStack, PlanError } from "../../tools/plan";
import { attributeToConfig, evaluatePolicies, formatViolation } from "../../tools/policies";
import { readStackConfig, ROOT, stackNames } from "../../tools/stackConfig";
import { AWS_COGNITO_AUTH, AWS_LOAD_BALANCER, AWS_SECURITY, awsStack, gcpStack, IMAGE, planCli, planFor, temporaryStack } from "../fixtures";
import { Plan, ProgramRun, RecordedResource, runProgram } from "../../tools/mockRuntime";

const TAGS = { environment: "dev", "data-classification": "internal", owner: "team-a", "cost-centre": "cc-1" };
const PROD_TAGS = { ...TAGS, environment: "prod" };

let counter = 0;
/** A recorded resource as the harness would record it; Kubernetes objects are judged by their state. */
function res(type: string, props: Record<string, any>, extra: Partial<RecordedResource> = {}): RecordedResource {
    const name = extra.name ?? `r${++counter}`;
    return {
        urn: `urn:pulumi:test::adk-platform::${type}::${name}`, type, name, parent: null, custom: true, provider: null,
        protect: false, replaceOnChanges: [], ignoreChanges: [], propertyDependencies: {}, dependencies: [], inputs: props, id: `${name}-id`, state: props, ...extra,
    };
}

const awsProvider = (tags: Record<string, string>) => res("pulumi:providers:aws", { region: "eu-west-1", defaultTags: { tags } }, { name: `aws-${tags.environment}` });
const gcpProvider = (labels: Record<string, string>) => res("pulumi:providers:gcp", { project: "p", defaultLabels: labels }, { name: `gcp-${labels.environment}` });
/** An AWS resource created through a provider with the given default tags. */
const viaAws = (provider: RecordedResource, type: string, props: Record<string, any>, extra: Partial<RecordedResource> = {}) => res(type, props, { provider: provider.urn, ...extra });
const dependsOn = (deps: Record<string, RecordedResource[]>) => ({ propertyDependencies: Object.fromEntries(Object.entries(deps).map(([k, rs]) => [k, rs.map((r) => r.urn)])) });

async function messages(policy: AdkPolicy, ...resources: RecordedResource[]): Promise<string[]> {
    const run: ProgramRun = { stack: "test", preview: false, resources, outputs: {}, namingProblems: [] };
    return (await evaluatePolicies(run, [policy])).map((v) => v.message);
}

async function assertPasses(policy: AdkPolicy, ...resources: RecordedResource[]) {
    assert.deepEqual(await messages(policy, ...resources), []);
}

async function assertViolates(policy: AdkPolicy, pattern: RegExp, ...resources: RecordedResource[]) {
    const found = await messages(policy, ...resources);
    assert.ok(found.some((m) => pattern.test(m)), `expected a violation matching ${pattern}, got ${JSON.stringify(found)}`);
}

const clone = <T>(value: T): T => structuredClone(value);

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
        plan = await planFor(awsStack());
        deployment = plan.one("kubernetes:apps/v1:Deployment", "research-agent-stable");
    });

    it("every policy names SOC 2, GDPR, HIPAA and PCI-DSS controls, is mandatory and has a unique name", () => {
        assert.equal(new Set(POLICIES.map((p) => p.name)).size, POLICIES.length);
        for (const policy of POLICIES) {
            assert.equal(policy.enforcementLevel, "mandatory", policy.name);
            for (const framework of Object.keys(FRAMEWORK_NAMES) as (keyof typeof FRAMEWORK_NAMES)[]) {
                assert.ok(policy.controls[framework].length > 0, `${policy.name} names no ${FRAMEWORK_NAMES[framework]} control`);
            }
        }
    });

    it("the README's control table lists every policy with its controls", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        for (const policy of POLICIES) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${policy.name}\``));
            assert.ok(row, `README has no row for ${policy.name}`);
            for (const control of [...policy.controls.soc2, ...policy.controls.pciDss]) assert.ok(row.includes(control), `${policy.name}'s row lacks ${control}`);
        }
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

    describe("kms-key-rotation", () => {
        it("passes a rotating key and a 90-day Cloud KMS key", async () => {
            await assertPasses(kmsRotation, res("aws:kms/key:Key", { enableKeyRotation: true }));
            await assertPasses(kmsRotation, res("gcp:kms/cryptoKey:CryptoKey", { rotationPeriod: "7776000s" }));
        });
        it("flags a key without rotation and a yearly Cloud KMS rotation", async () => {
            await assertViolates(kmsRotation, /enableKeyRotation/, res("aws:kms/key:Key", {}));
            await assertViolates(kmsRotation, /rotationPeriod/, res("gcp:kms/cryptoKey:CryptoKey", { rotationPeriod: "31536000s" }));
        });
        it("flags an unprotected key in prod", async () => {
            const prod = awsProvider(PROD_TAGS);
            await assertViolates(kmsRotation, /protect/, prod, viaAws(prod, "aws:kms/key:Key", { enableKeyRotation: true }));
            await assertPasses(kmsRotation, prod, viaAws(prod, "aws:kms/key:Key", { enableKeyRotation: true }, { protect: true }));
        });
    });

    describe("secret-rotation-90-days", () => {
        const secret = res("aws:secretsmanager/secret:Secret", { kmsKeyId: "k" });
        const rotation = (rules: any) => res("aws:secretsmanager/secretRotation:SecretRotation", { rotationRules: rules }, dependsOn({ secretId: [secret] }));
        it("passes a secret rotated every 30 days", () => assertPasses(secretRotation, secret, rotation({ automaticallyAfterDays: 30 })));
        it("flags a secret without rotation", () => assertViolates(secretRotation, /no SecretRotation/, secret));
        it("flags a rotation less often than 90 days", () => assertViolates(secretRotation, /at most every 90 days/, secret, rotation({ scheduleExpression: "rate(120 days)" })));
        it("checks GCP rotation period and topic", async () => {
            await assertPasses(secretRotation, res("gcp:secretmanager/secret:Secret", { rotation: { rotationPeriod: "2592000s" }, topics: [{ name: "t" }] }));
            await assertViolates(secretRotation, /rotationPeriod/, res("gcp:secretmanager/secret:Secret", { topics: [{ name: "t" }] }));
        });
    });

    describe("secret-customer-managed-key", () => {
        it("passes CMK-encrypted secrets", async () => {
            await assertPasses(secretEncryption, res("aws:secretsmanager/secret:Secret", { kmsKeyId: "arn:aws:kms:k" }));
            await assertPasses(secretEncryption, res("gcp:secretmanager/secret:Secret", { replication: { userManaged: { replicas: [{ location: "europe-west1", customerManagedEncryption: { kmsKeyName: "k" } }] } } }));
        });
        it("flags the provider's default key", async () => {
            await assertViolates(secretEncryption, /kmsKeyId/, res("aws:secretsmanager/secret:Secret", {}));
            await assertViolates(secretEncryption, /customerManagedEncryption/, res("gcp:secretmanager/secret:Secret", { replication: { auto: {} } }));
        });
    });

    describe("bucket-encrypted-and-private", () => {
        const bucket = res("aws:s3/bucket:Bucket", {});
        const sse = res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, dependsOn({ bucket: [bucket] }));
        const block = (all: boolean) => res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: all }, dependsOn({ bucket: [bucket] }));
        const owned = res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerEnforced" } }, dependsOn({ bucket: [bucket] }));
        it("passes an encrypted, blocked bucket with ACLs disabled", () => assertPasses(bucketsPrivateEncrypted, bucket, sse, block(true), owned));
        it("flags a bucket without encryption or with a partial block", async () => {
            await assertViolates(bucketsPrivateEncrypted, /ServerSideEncryption/, bucket, block(true), owned);
            await assertViolates(bucketsPrivateEncrypted, /PublicAccessBlock/, bucket, sse, block(false), owned);
        });
        it("flags a bucket whose ACLs are enabled", async () => {
            const preferred = res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", { rule: { objectOwnership: "BucketOwnerPreferred" } }, dependsOn({ bucket: [bucket] }));
            await assertViolates(bucketsPrivateEncrypted, /BucketOwnerEnforced/, bucket, sse, block(true));
            await assertViolates(bucketsPrivateEncrypted, /BucketOwnerEnforced/, bucket, sse, block(true), preferred);
        });
        it("checks GCS public access prevention", async () => {
            await assertPasses(bucketsPrivateEncrypted, res("gcp:storage/bucket:Bucket", { publicAccessPrevention: "enforced", uniformBucketLevelAccess: true }));
            await assertViolates(bucketsPrivateEncrypted, /publicAccessPrevention/, res("gcp:storage/bucket:Bucket", { uniformBucketLevelAccess: true }));
        });
    });

    describe("bucket-no-public-iam", () => {
        it("passes a grant to a service account", () => assertPasses(bucketNoPublicGrant, res("gcp:storage/bucketIAMMember:BucketIAMMember", { role: "roles/storage.objectViewer", member: "serviceAccount:a@p.iam.gserviceaccount.com" })));
        it("flags allUsers", () => assertViolates(bucketNoPublicGrant, /allUsers/, res("gcp:storage/bucketIAMBinding:BucketIAMBinding", { role: "roles/storage.objectViewer", members: ["allUsers"] })));
    });

    describe("log-retention-prod", () => {
        const prod = awsProvider(PROD_TAGS);
        it("passes a year of audit logs and shorter tagged application logs in prod", async () => {
            await assertPasses(logRetention, prod, viaAws(prod, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 365 }));
            await assertPasses(logRetention, prod, viaAws(prod, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 90, tags: { "log-type": "application" } }));
        });
        it("flags 90-day audit logs and a 30-day access-log expiration in prod", async () => {
            await assertViolates(logRetention, /retentionInDays is 90/, prod, viaAws(prod, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 90 }));
            await assertViolates(logRetention, /30 days/, prod, viaAws(prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", { rules: [{ id: "expire", status: "Enabled", expiration: { days: 30 } }] }));
        });
        it("reads the log type of a Cloud Logging bucket, which takes no labels, from its description", async () => {
            const gcp = gcpProvider(PROD_TAGS);
            const bucket = (description: string) => viaAws(gcp, "gcp:logging/projectBucketConfig:ProjectBucketConfig", { retentionDays: 90, description });
            await assertPasses(logRetention, gcp, bucket("Container logs of namespace adk-agents (log-type: application)"));
            await assertViolates(logRetention, /retentionDays is 90/, gcp, bucket("Container logs of namespace adk-agents"));
        });
        it("leaves dev alone", async () => {
            const dev = awsProvider(TAGS);
            await assertPasses(logRetention, dev, viaAws(dev, "aws:cloudwatch/logGroup:LogGroup", { retentionInDays: 7 }));
        });
    });

    describe("data-classification-tags", () => {
        it("passes resources of tagged providers and labelled objects", async () => {
            const aws = awsProvider(TAGS);
            const gcp = gcpProvider(TAGS);
            await assertPasses(classificationTags, aws, gcp, viaAws(aws, "aws:kms/key:Key", {}), viaAws(gcp, "gcp:kms/cryptoKey:CryptoKey", {}), deployment);
        });
        it("reads provider defaults given as JSON text, as the engine passes them", () => {
            const provider = res("pulumi:providers:aws", { defaultTags: JSON.stringify({ tags: TAGS }) });
            return assertPasses(classificationTags, provider, viaAws(provider, "aws:kms/key:Key", {}));
        });
        it("flags a resource of the default provider, an unlabelled object and an unknown level", async () => {
            await assertViolates(classificationTags, /data-classification tag/, res("aws:kms/key:Key", {}));
            await assertViolates(classificationTags, /owner label/, res("kubernetes:core/v1:ConfigMap", { metadata: { labels: { ...TAGS, owner: "" } } }));
            await assertViolates(classificationTags, /must be one of/, res("kubernetes:core/v1:ConfigMap", { metadata: { labels: { ...TAGS, "data-classification": "secret" } } }));
        });
    });

    describe("the offline plan runs the pack", () => {
        // Valid configuration (prod may turn the ALB's deletion protection off) that the pack refuses.
        let stack: string;
        let remove: () => void;
        before(() => {
            ({ stack, remove } = temporaryStack("policy", {
                "aws:region": "eu-west-1",
                cloud: "aws",
                environment: "prod",
                loadBalancer: { ...AWS_LOAD_BALANCER, auth: AWS_COGNITO_AUTH, deletionProtection: false },
                security: AWS_SECURITY,
                agents: [{ name: "research-agent", image: "ghcr.io/acme/research:1.4.2" }],
            }));
        });
        after(() => remove());

        it("fails on a mandatory violation, naming policy, resource and the config key that caused it", async () => {
            const err = await planStack(stack).then(() => undefined, (e: unknown) => e);
            assert.ok(err instanceof PlanError, String(err));
            assert.equal(err.heading, "Mandatory policy violations");
            assert.deepEqual(err.problems, [
                `[mandatory] lb-deletion-protection-in-prod: aws:lb/loadBalancer:LoadBalancer edge: prod load balancer must set enableDeletionProtection: true (set by adk-platform:loadBalancer.deletionProtection)`,
            ]);
        });

        it("names a config key whose value a violation quotes, never a secret", () => {
            const violation = { policy: "k8s-image-pinned", enforcementLevel: "mandatory", message: `container agent uses untagged image ghcr.io/acme/research` };
            const config = { "adk-platform:agents": [{ name: "research-agent", image: "ghcr.io/acme/research" }], "adk-platform:agentSecrets": { "research-agent": { KEY: "[secret]" } } };
            assert.deepEqual(attributeToConfig([violation], config)[0].configKeys, ["adk-platform:agents[0].image"]);
            assert.equal(attributeToConfig([{ ...violation, message: "unrelated" }], config)[0].configKeys, undefined);
        });

        it("exits non-zero from the command line and writes nothing", async () => {
            const out = path.join(ROOT, "out", stack);
            const result = await planCli("--stack", stack);
            assert.equal(result.code, 1);
            assert.match(result.stdout, /^Mandatory policy violations for stack test-policy-\d+: 1 problem\(s\); nothing was written\.$/m);
            assert.match(result.stderr, /^\[mandatory\] lb-deletion-protection-in-prod: aws:lb\/loadBalancer:LoadBalancer edge: .* \(set by adk-platform:loadBalancer\.deletionProtection\)$/m);
            assert.equal(existsSync(out), false);
        });
    });

    describe("the stacks pass every mandatory policy", () => {
        const files = stackNames();
        const secrets = { agentSecrets: { "research-agent": { API_KEY: "k" } } };
        const stacks: [string, () => Promise<ProgramRun>][] = [
            ...files.map((stack): [string, () => Promise<ProgramRun>] => [`Pulumi.${stack}.yaml`, () => runProgram({ stack, ...readStackConfig(stack) })]),
            ["GCP dev fixture", () => runProgram({ stack: "gcp-dev", config: gcpStack(secrets), secretKeys: ["agentSecrets"] })],
            ["GCP prod fixture, secrets through External Secrets", () => runProgram({ stack: "gcp-prod", config: gcpStack({ ...secrets, environment: "prod" }), secretKeys: ["agentSecrets"] })],
            ["AWS prod fixture, secrets through External Secrets", () => runProgram({ stack: "aws-prod", config: awsStack({ ...secrets, environment: "prod" }), secretKeys: ["agentSecrets"] })],
        ];
        it("include dev and prod", () => assert.ok(files.includes("dev") && files.includes("prod"), files.join(", ")));
        for (const [label, run] of stacks) {
            it(label, async () => {
                const violations = (await evaluatePolicies(await run())).filter((v) => v.enforcementLevel === "mandatory");
                assert.deepEqual(violations.map(formatViolation), []);
            });
        }
    });
});
