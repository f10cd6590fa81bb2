// Everything one agent needs in the cluster: identity, configuration, secret, and one track
// (Deployment, Service, HPA, PodDisruptionBudget) per traffic track, stable and optionally canary.
import * as k8s from "../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AgentConfig } from "../../config";
import { restrictedContainer, restrictedPod } from "../kubernetes/hardening";
import { agentLabels, agentSelector, CONTAINER_NAME, CONTRACT_ENV, PORT_NAME, SERVICE_PORT, Track } from "./contract";

/** A volume of the agent's pods and where its container mounts it. */
export interface AgentVolume {
    volume: k8s.types.input.core.v1.Volume;
    mount: k8s.types.input.core.v1.VolumeMount;
}

/** A variable of the agent's container read from a key of a Secret. */
export interface SecretEnvVar {
    name: string;
    secretName: pulumi.Input<string>;
    key: string;
}

export interface AgentWorkloadArgs {
    agent: AgentConfig;
    namespace: pulumi.Input<string>;
    /** Rolling-update budget of the environment preset. */
    maxUnavailable: number;
    maxSurge: number;
    /** Spread pods over zones (hard) and nodes (soft). */
    topologySpread: boolean;
    /** Labels every object of the agent carries (environment, data classification, ...). */
    labels?: Record<string, string>;
    /** Non-secret environment added by other concerns (telemetry, logging); goes into the ConfigMap. */
    platformEnv?: Record<string, pulumi.Input<string>>;
    /**
     * Environment set on the container itself, after AGENT_TRACK and AGENT_VERSION, so that its
     * values may refer to those and to the ConfigMap's variables as `$(NAME)`: the one place where a
     * value can differ between the tracks of one agent.
     */
    trackEnv?: Record<string, string>;
    /** Annotations for the ServiceAccount, e.g. the cloud workload identity it maps to. */
    serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /**
     * Name of a Secret that something else maintains (External Secrets Operator). Without it the
     * component creates the Secret from `agent.secrets`.
     */
    externalSecretName?: pulumi.Input<string>;
    /** Volumes beyond `/tmp`, e.g. the token and credential configuration of a cloud identity. */
    volumes?: AgentVolume[];
    /** Variables from keys of other Secrets (the session URI), set before `trackEnv` so that it and `args` may refer to them. */
    secretEnv?: SecretEnvVar[];
    /** Native sidecars (init containers with `restartPolicy: Always`) every pod of the agent runs, e.g. a database proxy. */
    sidecars?: k8s.types.input.core.v1.Container[];
}

export class AgentWorkload extends pulumi.ComponentResource {
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    public readonly configMap: k8s.core.v1.ConfigMap;
    public readonly secret?: k8s.core.v1.Secret;
    public readonly deployments: Partial<Record<Track, k8s.apps.v1.Deployment>>;
    public readonly services: Partial<Record<Track, k8s.core.v1.Service>>;
    public readonly agentName: string;
    /** Tracks that run, stable first. */
    public readonly tracks: Track[];
    /** Service name per track. */
    public readonly serviceNames: Partial<Record<Track, pulumi.Output<string>>>;
    /** Labels that select all pods of the agent, whatever the track. */
    public readonly selectorLabels: Record<string, string>;

    constructor(name: string, args: AgentWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:k8s:AgentWorkload", name, {}, opts);
        const { agent } = args;
        this.agentName = agent.name;
        this.selectorLabels = agentSelector(agent.name);
        const common = {
            ...args.labels,
            ...agentLabels(agent.name),
        };

        this.serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: agent.name, namespace: args.namespace, labels: common, annotations: args.serviceAccountAnnotations },
            // Agents do not talk to the Kubernetes API; a mounted token would only be something to steal.
            automountServiceAccountToken: false,
        }, { parent: this });

        // Auto-named on purpose: a changed ConfigMap or Secret gets a new name, so the Deployment
        // rolls and the pods pick the change up (env from a ConfigMap is read only at start).
        this.configMap = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { namespace: args.namespace, labels: common },
            immutable: true,
            data: { ...agent.env, ...args.platformEnv },
        }, { parent: this });

        if (args.externalSecretName === undefined && agent.secrets !== undefined) {
            this.secret = new k8s.core.v1.Secret(`${name}-secrets`, {
                metadata: { namespace: args.namespace, labels: common },
                immutable: true,
                type: "Opaque",
                stringData: agent.secrets,
            }, { parent: this });
        }
        const secretName = args.externalSecretName ?? this.secret?.metadata.name;

        this.tracks = agent.canary ? ["stable", "canary"] : ["stable"];
        this.deployments = {};
        this.services = {};
        for (const track of this.tracks) {
            const built = this.track(name, args, track, common, secretName);
            this.deployments[track] = built.deployment;
            this.services[track] = built.service;
        }

        this.serviceNames = Object.fromEntries(this.tracks.map((t) => [t, this.services[t]!.metadata.name]));
        this.registerOutputs({ serviceAccountName: this.serviceAccount.metadata.name, serviceNames: this.serviceNames });
    }

    private track(name: string, args: AgentWorkloadArgs, track: Track, common: Record<string, string>, secretName: pulumi.Input<string> | undefined) {
        const { agent } = args;
        // The canary track exists only when the agent has a canary (tracks, above).
        const canary = track === "canary" ? agent.canary : undefined;
        const { image, version } = canary ?? agent;
        const objectName = track === "stable" ? agent.name : `${agent.name}-canary`;
        const selector = { ...this.selectorLabels, track };
        const labels = { ...common, track, version, "app.kubernetes.io/instance": objectName, "app.kubernetes.io/version": version };
        const replicas = canary === undefined || agent.strategy === "blue-green"
            ? agent.replicas
            : Math.max(1, Math.ceil((agent.replicas * canary.weight) / 100));
        const metadata = { name: objectName, namespace: args.namespace, labels };
        const child = `${name}-${track}`;

        const deployment = new k8s.apps.v1.Deployment(child, {
            metadata,
            spec: {
                replicas,
                selector: { matchLabels: selector },
                revisionHistoryLimit: 5,
                progressDeadlineSeconds: 600,
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: args.maxUnavailable, maxSurge: args.maxSurge } },
                template: {
                    metadata: {
                        labels,
                        annotations: {
                            "prometheus.io/scrape": "true",
                            "prometheus.io/port": String(agent.port),
                            "prometheus.io/path": "/metrics",
                        },
                    },
                    spec: {
                        serviceAccountName: this.serviceAccount.metadata.name,
                        automountServiceAccountToken: false,
                        enableServiceLinks: false,
                        // Long enough for the preStop pause (load balancers deregister the pod) and
                        // then for the agent to finish in-flight requests after SIGTERM.
                        terminationGracePeriodSeconds: agent.terminationSeconds,
                        securityContext: restrictedPod(agent.runAsUser),
                        topologySpreadConstraints: args.topologySpread ? spread(selector) : undefined,
                        initContainers: args.sidecars,
                        containers: [{
                            name: CONTAINER_NAME,
                            image,
                            // Every image is pinned (config), so a restart never needs the registry.
                            imagePullPolicy: "IfNotPresent",
                            // Exec form: the kubelet expands $(PORT) from `env` below, with no shell
                            // between it and the server, which therefore receives SIGTERM itself.
                            command: agent.command,
                            args: agent.args,
                            ports: [{ name: PORT_NAME, containerPort: agent.port, protocol: "TCP" }],
                            env: [
                                // The agent container contract (components/agents/contract.ts), first so that
                                // `command`, `args` and later values can refer to them.
                                { name: CONTRACT_ENV.port, value: String(agent.port) },
                                { name: CONTRACT_ENV.keepAlive, value: String(agent.keepAliveSeconds) },
                                { name: CONTRACT_ENV.gracefulShutdown, value: String(agent.gracefulShutdownSeconds) },
                                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                                { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                                { name: "AGENT_TRACK", value: track },
                                { name: "AGENT_VERSION", value: version },
                                ...(args.secretEnv ?? []).map(({ name, secretName, key }) => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } } })),
                                ...Object.entries(args.trackEnv ?? {}).map(([name, value]) => ({ name, value })),
                            ],
                            envFrom: [
                                { configMapRef: { name: this.configMap.metadata.name } },
                                ...(secretName === undefined ? [] : [{ secretRef: { name: secretName } }]),
                            ],
                            resources: {
                                requests: { cpu: agent.resources.cpuRequest, memory: agent.resources.memoryRequest },
                                limits: { cpu: agent.resources.cpuLimit, memory: agent.resources.memoryLimit },
                            },
                            // The startup probe carries slow starts (model clients, tool discovery), so
                            // liveness needs no initial delay and never kills a pod that is still starting.
                            startupProbe: { httpGet: { path: agent.healthPath, port: PORT_NAME }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
                            livenessProbe: { httpGet: { path: agent.healthPath, port: PORT_NAME }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
                            readinessProbe: { httpGet: { path: agent.readyPath, port: PORT_NAME }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
                            lifecycle: agent.drainSeconds > 0 ? { preStop: { sleep: { seconds: agent.drainSeconds } } } : undefined,
                            securityContext: restrictedContainer(agent.runAsUser),
                            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...(args.volumes ?? []).map((v) => v.mount)],
                        }],
                        volumes: [{ name: "tmp", emptyDir: { sizeLimit: agent.tmpSizeLimit } }, ...(args.volumes ?? []).map((v) => v.volume)],
                    },
                },
            },
        }, {
            parent: this,
            // The HPA owns the replica count once the Deployment exists.
            ignoreChanges: ["spec.replicas"],
        });

        const service = new k8s.core.v1.Service(`${child}-svc`, {
            metadata,
            spec: {
                type: "ClusterIP",
                selector,
                ports: [{ name: PORT_NAME, port: SERVICE_PORT, targetPort: PORT_NAME, protocol: "TCP" }],
            },
        }, { parent: this });

        new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${child}-hpa`, {
            metadata,
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                minReplicas: replicas,
                maxReplicas: Math.max(replicas, agent.maxReplicas),
                metrics: [
                    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                    { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
                ],
                behavior: {
                    scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] },
                    scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] },
                },
            },
        }, { parent: this });

        new k8s.policy.v1.PodDisruptionBudget(`${child}-pdb`, {
            metadata,
            spec: {
                selector: { matchLabels: selector },
                maxUnavailable: 1,
                // A crash-looping pod must not block node drains.
                unhealthyPodEvictionPolicy: "AlwaysAllow",
            },
        }, { parent: this });

        return { deployment, service };
    }
}

function spread(selector: Record<string, string>) {
    const common = { maxSkew: 1, labelSelector: { matchLabels: selector }, matchLabelKeys: ["pod-template-hash"] };
    return [
        { ...common, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" },
        { ...common, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" },
    ];
}
