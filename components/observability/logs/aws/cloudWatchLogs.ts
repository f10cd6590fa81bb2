// The agents' container logs in CloudWatch Logs: a log group kept for the environment's retention,
// and Fluent Bit as a DaemonSet that tails only the agents' namespace, adds pod metadata, lifts the
// agents' JSON lines into fields and writes one stream per container. Fluent Bit reads the node's
// /var/log through hostPath, which the restricted (and baseline) Pod Security Standard forbids, so
// it runs in a namespace of its own; its container is otherwise locked down.
import * as aws from "../../../sdk/aws";
import * as k8s from "../../../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NODE_AGENT, PROFILE_LABEL } from "../../../../policy/labels";
import { podSecurityLabels, rootReaderContainer } from "../../../kubernetes/hardening";
import { appLabels, PLATFORM_LABELS } from "../../../kubernetes/labels";
import { irsaRole } from "../../../identity/aws/irsaRole";

/**
 * The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy, "retentionInDays":
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
 */
export const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The shortest accepted retention that keeps logs at least `days`. */
export function cloudWatchRetention(days: number): number {
    return CLOUDWATCH_RETENTION_DAYS.find((d) => d >= days) ?? CLOUDWATCH_RETENTION_DAYS[CLOUDWATCH_RETENTION_DAYS.length - 1];
}

/** The name of the log shipper: its ServiceAccount, its container and its `app.kubernetes.io/name`. */
const FLUENT_BIT = "fluent-bit";
const STATE_DIR = "/var/fluent-bit/state";

export interface CloudWatchLogsArgs {
    /** Namespace whose containers are shipped (the agents'). */
    sourceNamespace: string;
    /** Namespace Fluent Bit runs in. */
    namespace: string;
    logGroupName: string;
    retentionDays: number;
    region: string;
    oidcProviderArn: string;
    image: string;
    kubernetesProvider: k8s.Provider;
    protect: boolean;
    labels?: Record<string, string>;
}

/** Fluent Bit's classic configuration for the agents' namespace. */
export function fluentBitConfig(args: Pick<CloudWatchLogsArgs, "sourceNamespace" | "logGroupName" | "region">): string {
    const section = (name: string, entries: [string, string | number][]) =>
        [`[${name}]`, ...entries.map(([k, v]) => `    ${k.padEnd(24)} ${v}`)].join("\n");
    return [
        section("SERVICE", [
            ["Flush", 5], ["Log_Level", "info"], ["Daemon", "off"], ["Parsers_File", "/fluent-bit/parsers/parsers.conf"],
            ["HTTP_Server", "On"], ["HTTP_Listen", "0.0.0.0"], ["HTTP_Port", 2020], ["Health_Check", "On"],
            // Buffers survive a CloudWatch outage or a restart on the node's disk, not in memory.
            ["storage.path", `${STATE_DIR}/flb-storage/`],
        ]),
        section("INPUT", [
            ["Name", "tail"], ["Tag", "kube.*"], ["Path", `/var/log/containers/*_${args.sourceNamespace}_*.log`],
            ["multiline.parser", "cri, docker"], ["DB", `${STATE_DIR}/flb_kube.db`], ["Mem_Buf_Limit", "50MB"],
            ["Skip_Long_Lines", "On"], ["Refresh_Interval", 10], ["storage.type", "filesystem"],
        ]),
        section("FILTER", [
            ["Name", "kubernetes"], ["Match", "kube.*"], ["Merge_Log", "On"], ["Keep_Log", "Off"],
            ["K8S-Logging.Exclude", "On"], ["Labels", "On"], ["Annotations", "Off"], ["Buffer_Size", 0],
        ]),
        section("OUTPUT", [
            ["Name", "cloudwatch_logs"], ["Match", "kube.*"], ["region", args.region], ["log_group_name", args.logGroupName],
            ["log_stream_template", "$kubernetes['pod_name'].$kubernetes['container_name']"], ["log_stream_prefix", "unmatched-"],
            // The group is Pulumi's, with its retention; Fluent Bit must never create one without.
            ["auto_create_group", "Off"], ["Retry_Limit", 5],
        ]),
        "",
    ].join("\n\n");
}

export class CloudWatchLogs extends pulumi.ComponentResource {
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly logGroupName: pulumi.Output<string>;
    public readonly daemonSet: k8s.apps.v1.DaemonSet;

    constructor(name: string, args: CloudWatchLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:CloudWatchLogs", name, {}, opts);
        this.logGroup = new aws.cloudwatch.LogGroup(`${name}-group`, {
            name: args.logGroupName,
            retentionInDays: cloudWatchRetention(args.retentionDays),
            // Application logs: the prod audit-retention policy does not bind them.
            tags: { "log-type": "application" },
        }, { parent: this, protect: args.protect });
        this.logGroupName = this.logGroup.name;

        const role = irsaRole(`${name}-shipper`, {
            oidcProviderArn: args.oidcProviderArn,
            namespace: args.namespace,
            serviceAccountName: FLUENT_BIT,
            description: `Fluent Bit writes the ${args.sourceNamespace} container logs to ${args.logGroupName}`,
            statements: [{
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                Resource: [pulumi.interpolate`${this.logGroup.arn}:*`],
            }],
        }, { parent: this });

        const k8sOpts = { parent: this, provider: args.kubernetesProvider };
        // Declared as a node agent, the one exemption the policy pack knows (policy/lib.ts).
        const labels = { ...args.labels, [PROFILE_LABEL]: NODE_AGENT, ...appLabels(FLUENT_BIT), ...PLATFORM_LABELS };
        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: {
                name: args.namespace,
                labels: {
                    ...args.labels,
                    [PROFILE_LABEL]: NODE_AGENT,
                    // hostPath needs privileged admission; audit and warn still report every deviation from restricted.
                    ...podSecurityLabels("privileged"),
                },
            },
        }, k8sOpts);
        const metadata = { name: FLUENT_BIT, namespace: namespace.metadata.name, labels };
        // Nothing talks to Fluent Bit; it talks to DNS, the API server and CloudWatch (HTTPS).
        new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, {
            metadata: { name: "default-deny", namespace: namespace.metadata.name, labels },
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        }, k8sOpts);
        new k8s.networking.v1.NetworkPolicy(`${name}-egress`, {
            metadata: { name: "fluent-bit-egress", namespace: namespace.metadata.name, labels },
            spec: {
                podSelector: { matchLabels: appLabels(FLUENT_BIT) },
                policyTypes: ["Egress"],
                egress: [
                    { ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
                    { ports: [{ port: 443, protocol: "TCP" }] },
                ],
            },
        }, k8sOpts);
        const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { ...metadata, annotations: role.serviceAccountAnnotations },
            // The kubernetes filter asks the API server for pod metadata.
            automountServiceAccountToken: true,
        }, k8sOpts);
        // The kubernetes filter reads pod metadata; nothing else.
        const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-reader`, {
            metadata: { labels },
            rules: [{ apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] }],
        }, k8sOpts);
        new k8s.rbac.v1.ClusterRoleBinding(`${name}-reader`, {
            metadata: { labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
            subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: namespace.metadata.name }],
        }, k8sOpts);
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { namespace: namespace.metadata.name, labels },
            immutable: true,
            data: { "fluent-bit.conf": fluentBitConfig(args) },
        }, k8sOpts);

        const probe = { httpGet: { path: "/api/v1/health", port: "http" }, periodSeconds: 30, timeoutSeconds: 5 };
        this.daemonSet = new k8s.apps.v1.DaemonSet(`${name}-daemonset`, {
            metadata,
            spec: {
                selector: { matchLabels: appLabels(FLUENT_BIT) },
                updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "20%" } },
                template: {
                    metadata: { labels },
                    spec: {
                        serviceAccountName: serviceAccount.metadata.name,
                        priorityClassName: "system-node-critical",
                        // Every node that can run an agent must ship its logs, tainted or not.
                        tolerations: [{ operator: "Exists" }],
                        containers: [{
                            name: FLUENT_BIT,
                            image: args.image,
                            imagePullPolicy: "IfNotPresent",
                            command: ["/fluent-bit/bin/fluent-bit", "-c", "/fluent-bit/etc/fluent-bit.conf"],
                            ports: [{ name: "http", containerPort: 2020, protocol: "TCP" }],
                            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
                            livenessProbe: probe,
                            readinessProbe: probe,
                            securityContext: rootReaderContainer(),
                            volumeMounts: [
                                { name: "varlog", mountPath: "/var/log", readOnly: true },
                                { name: "state", mountPath: STATE_DIR },
                                { name: "config", mountPath: "/fluent-bit/etc/", readOnly: true },
                                { name: "tmp", mountPath: "/tmp" },
                            ],
                        }],
                        volumes: [
                            { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
                            { name: "state", hostPath: { path: STATE_DIR, type: "DirectoryOrCreate" } },
                            { name: "config", configMap: { name: config.metadata.name } },
                            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                        ],
                    },
                },
            },
        }, k8sOpts);
        this.registerOutputs({ logGroupName: this.logGroupName });
    }
}
