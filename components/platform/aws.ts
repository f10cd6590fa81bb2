import * as aws from "../sdk/aws";
import { AlbCanary } from "../edge/aws/albCanary";
import { CloudWatchLogs } from "../observability/logs/aws/cloudWatchLogs";
import { irsaRole } from "../identity/aws/irsaRole";
import { agentAccessOnAws } from "../identity/aws/agentAccess";
import { agentSecret, secretsManagerStore } from "../secrets/aws/agentSecret";
import { recoveryWindowDays, secretsKey } from "../secrets/aws/secretsKey";
import { KUBE_DNS } from "../namespace/networkPolicies";
import type { AwsConfig } from "../../config";
import { RdsSessionStore } from "../sessions/aws/rdsSessionStore";
import { POSTGRES_PORT, type SessionStore, type SessionStoreArgs } from "../sessions/store";
import { fitName, maxNameLength, nameSafe } from "../naming/names";
import { CLOUD_SECRETS, CLOUD_TRACING_IDENTITY, inCapability } from "./capability";
import { required, servedAgents, type AgentCloudSecret, type AgentSecretsArgs, type CanaryLoadBalancerArgs, type CloudPlatform, type CloudTracing, type CloudTracingArgs, type ContainerLogs, type ContainerLogsArgs } from "./cloud";

export function awsPlatform(config: AwsConfig): CloudPlatform {
    const provider = new aws.Provider("aws", {
        region: config.aws.region as aws.Region,
        defaultTags: { tags: { project: config.project, stack: config.stack, environment: config.environment, "managed-by": "pulumi", ...config.security.labels } },
    });
    // Until the load balancer component reports its own: an ALB reaches IP targets from its subnets,
    // its nodes' network interfaces being the requests' source (AWS Knowledge Center,
    // https://aws.amazon.com/premiumsupport/knowledge-center/elb-find-load-balancer-IP/).
    const loadBalancerSourceRanges = (config.loadBalancer.aws?.publicSubnetIds ?? [])
        .map((id) => aws.ec2.getSubnetOutput({ id }, { provider }).cidrBlock);
    // IRSA exchanges the projected token with STS over HTTPS, which the agents may reach anyway.
    return {
        cloud: "aws",
        provider,
        loadBalancerSourceRanges,
        workloadIdentityEgress: [],
        clusterDns: KUBE_DNS,
        // The AWS Load Balancer Controller's webhook then gives every pod behind a
        // TargetGroupBinding a readiness gate that holds until the ALB finds the target healthy, so
        // a rollout never removes old pods before the new ones serve (controller docs, "Pod
        // readiness gate"). Without it a pod is Ready seconds after start, long before the ALB's
        // health checks pass, and a rolling update can empty the target group.
        namespaceLabels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
        canaryLoadBalancer: (name, args) => albCanary(config, provider, name, args),
        containerLogs: (name, args) => cloudWatchLogs(config, provider, name, args),
        cloudTracing: (name, args) => xrayTracing(config, provider, name, args),
        agentSecrets: (name, args) => secretsManager(config, provider, name, args),
        agentAccess: (args) => agentAccessOnAws(config, provider, args),
        sessionStore: (name, args) => rdsSessions(config, provider, name, args),
    };
}

function rdsSessions(config: AwsConfig, provider: aws.Provider, name: string, args: SessionStoreArgs): SessionStore | undefined {
    const sessions = config.sessions;
    // components/sessions/config.ts checkSessions: agentengine is refused on aws.
    if (sessions.store !== "database") return undefined;
    const store = new RdsSessionStore(name, {
        ...args,
        stack: config.stack,
        region: config.aws.region,
        settings: { ...sessions.database, aws: required(sessions.database.aws, "sessions.database.aws") },
        oidcProviderArn: required(config.security.aws.oidcProviderArn, "security.aws.oidcProviderArn"),
        rotationLambdaArn: required(sessions.database.aws?.rotationLambdaArn, "sessions.database.aws.rotationLambdaArn"),
        rotationDays: config.security.secretRotationDays,
        protect: config.protect,
    }, { provider });
    return { agents: store.agents, egress: [{ cidrs: store.subnetCidrs, ports: [POSTGRES_PORT] }], bootstrap: { needsHttps: false } };
}

function secretsManager(config: AwsConfig, provider: aws.Provider, name: string, args: AgentSecretsArgs): Record<string, AgentCloudSecret> {
    const security = config.security;
    const opts = inCapability(CLOUD_SECRETS, name, { provider, protect: config.protect });
    // Stack names may hold '.', which an alias may not.
    const key = secretsKey(name, { alias: `adk-${nameSafe(config.stack)}-agent-secrets`, deletionWindowInDays: recoveryWindowDays(config.protect) }, opts);
    return Object.fromEntries(args.agents.map((agent) => {
        const secret = agentSecret(`${name}-${agent.name}`, {
            secretName: `adk/${config.stack}/${agent.name}`,
            values: agent.secrets,
            kmsKeyArn: key.arn,
            // components/secrets/config.ts checkSecrets: both are required for external-secrets on AWS.
            rotationLambdaArn: required(security.aws.rotationLambdaArn, "security.aws.rotationLambdaArn"),
            oidcProviderArn: required(security.aws.oidcProviderArn, "security.aws.oidcProviderArn"),
            rotationDays: security.secretRotationDays,
            recoveryWindowInDays: recoveryWindowDays(config.protect),
            namespace: args.namespace,
            serviceAccountName: agent.name,
            region: config.aws.region,
        }, opts);
        return [agent.name, { serviceAccountAnnotations: secret.serviceAccountAnnotations, storeProvider: secretsManagerStore(config.aws.region, agent.name), remoteKey: secret.secret.name }];
    }));
}

function cloudWatchLogs(config: AwsConfig, provider: aws.Provider, name: string, args: ContainerLogsArgs): ContainerLogs {
    const logs = new CloudWatchLogs(name, {
        sourceNamespace: args.namespace,
        namespace: fitName(`${args.namespace}-logging`, maxNameLength("kubernetes:core/v1:Namespace")),
        logGroupName: `/adk-platform/${config.stack}/${args.namespace}`,
        retentionDays: config.logRetentionDays,
        region: config.aws.region,
        // components/observability/config.ts checkMonitoring: shipping on AWS requires it.
        oidcProviderArn: required(config.security.aws.oidcProviderArn, "security.aws.oidcProviderArn"),
        image: config.monitoring.logging.fluentBitImage,
        kubernetesProvider: args.kubernetesProvider,
        protect: config.protect,
        labels: args.labels,
    }, { provider });
    return { destination: logs.logGroupName };
}

function xrayTracing(config: AwsConfig, provider: aws.Provider, name: string, args: CloudTracingArgs): CloudTracing {
    const role = irsaRole(name, {
        oidcProviderArn: required(config.security.aws.oidcProviderArn, "security.aws.oidcProviderArn"),
        namespace: args.namespace,
        serviceAccountName: args.serviceAccountName,
        description: "The OpenTelemetry Collector sends the agents' traces to X-Ray",
        // The AWSXRayDaemonWriteAccess managed policy's actions.
        statements: [{ Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries"], Resource: "*" }],
    }, inCapability(CLOUD_TRACING_IDENTITY, name, { provider }));
    return { cloudExporter: { name: "awsxray", config: { region: config.aws.region } }, serviceAccountAnnotations: role.serviceAccountAnnotations };
}

function albCanary(config: AwsConfig, provider: aws.Provider, name: string, args: CanaryLoadBalancerArgs) {
    const lb = config.loadBalancer;
    const alb = new AlbCanary(name, {
        ...servedAgents(config, args),
        loadBalancer: {
            ...lb,
            // components/edge/config.ts checkLoadBalancer: required on aws.
            aws: required(lb.aws, "loadBalancer.aws"),
            // components/edge/auth.ts checkAuth: only oidc or cognito on aws.
            auth: lb.auth?.kind === "iap" ? undefined : lb.auth,
        },
        accessLogRetentionDays: config.auditRetentionDays,
        protect: config.protect,
    }, { provider });
    return { url: alb.url, dnsName: alb.dnsName, endpoints: alb.endpoints, backends: alb.targetGroupArns };
}
