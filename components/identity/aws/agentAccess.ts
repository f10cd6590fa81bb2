// What one agent reaches with its one identity on AWS: its artifact bucket through an IRSA role
// (the role that already reads its secrets when it has one, so that the agent keeps a single
// role), and Vertex AI through Workload Identity Federation for Kubernetes when it uses it.
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AgentConfig } from "../../agents/config";
import type { AgentVolume } from "../../agents/agentWorkload";
import { ArtifactBucket, restrictToRole } from "../../artifacts/aws/artifactBucket";
import { ARTIFACT_ENV } from "../../artifacts/config";
import { vertexEnv } from "../../model/config";
import { FederatedCredentials, federatedPrincipal } from "../../model/aws/federatedCredentials";
import type { AwsConfig } from "../../../config";
import { required, type AgentAccess as PlatformAgentAccess, type AgentAccessArgs as AgentAccessArgsOfPlatform } from "../../platform/cloud";
import { IRSA_ANNOTATION, irsaRole } from "./irsaRole";
import { recoveryWindowDays } from "../../secrets/aws/secretsKey";

export interface AgentAccessArgs {
    agent: AgentConfig;
    namespace: string;
    region: string;
    /** The IAM role the agent's ServiceAccount already assumes (for its secrets), if any. */
    role?: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
    /** IAM OIDC provider of the EKS cluster; required when the agent has artifacts and no role yet. */
    oidcProviderArn?: string;
    /** The namespace's federation to Vertex AI, for an agent on vertex-ai. */
    federation?: { credentials: FederatedCredentials; projectId: string };
    /** Days a deleted artifacts key waits before it is gone. */
    deletionWindowInDays: number;
    protect: boolean;
}

export class AgentAccess extends pulumi.ComponentResource {
    public readonly env: Record<string, pulumi.Input<string>>;
    public readonly volumes: AgentVolume[];
    /** The annotation of a role created here; none when the agent's ServiceAccount has its role already. */
    public readonly serviceAccountAnnotations?: Record<string, pulumi.Input<string>>;
    /** The role that reads and writes the artifact bucket, when the agent has one. */
    public readonly roleArn?: pulumi.Input<string>;

    constructor(name: string, args: AgentAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:AgentAccess", name, {}, opts);
        const { agent } = args;
        this.env = {};
        this.volumes = [];
        if (agent.model.access === "vertex-ai" && args.federation) {
            Object.assign(this.env, vertexEnv(args.federation.projectId, agent.model.location), args.federation.credentials.env);
            this.volumes.push(...args.federation.credentials.volumes);
        }
        if (agent.artifacts) {
            const bucket = new ArtifactBucket(`${name}-artifacts`, { deletionWindowInDays: args.deletionWindowInDays, protect: args.protect }, { parent: this });
            const statements = bucket.accessStatements(args.region);
            const role = args.role ? this.extend(name, args.role, statements) : this.newRole(name, args, statements);
            restrictToRole(bucket, role.arn);
            this.roleArn = role.arn;
            this.serviceAccountAnnotations = role.annotations;
            this.env[ARTIFACT_ENV] = bucket.uri;
        }
        this.registerOutputs({ env: this.env });
    }

    /** The agent's existing role gets the bucket's statements as one more inline policy. */
    private extend(name: string, role: NonNullable<AgentAccessArgs["role"]>, statements: pulumi.Output<aws.iam.PolicyStatement[]>): AgentRole {
        new aws.iam.RolePolicy(`${name}-artifacts`, {
            role: role.name,
            policy: statements.apply((s) => JSON.stringify({ Version: "2012-10-17", Statement: s })),
        }, { parent: this });
        return { arn: role.arn };
    }

    private newRole(name: string, args: AgentAccessArgs, statements: pulumi.Output<aws.iam.PolicyStatement[]>): AgentRole {
        // components/artifacts/config.ts checkArtifacts: required on aws for an agent with artifacts.
        const role = irsaRole(name, {
            oidcProviderArn: required(args.oidcProviderArn, "security.aws.oidcProviderArn"),
            namespace: args.namespace,
            serviceAccountName: args.agent.name,
            description: `ADK agent ${args.namespace}/${args.agent.name}: its own artifacts only`,
            statements,
        }, { parent: this });
        return { arn: role.role.arn, annotations: role.serviceAccountAnnotations };
    }
}

/** The role that reaches the bucket, and the ServiceAccount annotation when it is new. */
interface AgentRole {
    arn: pulumi.Input<string>;
    annotations?: Record<string, pulumi.Input<string>>;
}

/**
 * Every agent's access on AWS, for the platform (components/platform/aws.ts): the namespace's
 * federation to Vertex AI once, then one AgentAccess per agent that uses Vertex AI or artifacts.
 */
export function agentAccessOnAws(config: AwsConfig, provider: aws.Provider, args: AgentAccessArgsOfPlatform): Record<string, PlatformAgentAccess> {
    const agents = args.agents.filter((a) => a.model.access === "vertex-ai" || a.artifacts);
    const federation = config.model.federation;
    const credentials = federation && agents.some((a) => a.model.access === "vertex-ai")
        ? new FederatedCredentials("vertex-ai-federation", { federation, namespace: args.namespace, labels: args.labels }, { provider: args.kubernetesProvider })
        : undefined;
    return Object.fromEntries(agents.map((agent) => {
        const roleArn = args.serviceAccountAnnotations[agent.name]?.[IRSA_ANNOTATION];
        // IRSA roles here have the default path "/": the name is what follows "role/".
        const role = roleArn === undefined ? undefined : { arn: roleArn, name: pulumi.output(roleArn).apply((arn) => arn.slice(arn.lastIndexOf("/") + 1)) };
        const access = new AgentAccess(agent.name, {
            agent,
            namespace: config.namespace,
            region: config.aws.region,
            role,
            oidcProviderArn: config.security.aws.oidcProviderArn,
            federation: credentials && federation ? { credentials, projectId: federation.projectId } : undefined,
            deletionWindowInDays: recoveryWindowDays(config.protect),
            protect: config.protect,
        }, { provider });
        const principals = {
            ...(agent.model.access === "vertex-ai" && federation ? { model: federatedPrincipal(federation, config.namespace, agent.name) } : {}),
            ...(access.roleArn === undefined ? {} : { artifacts: access.roleArn }),
        };
        return [agent.name, { env: access.env, volumes: access.volumes, serviceAccountAnnotations: access.serviceAccountAnnotations, principals }];
    }));
}
