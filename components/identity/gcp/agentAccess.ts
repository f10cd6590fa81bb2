// What one agent reaches on Google Cloud with its one identity: Vertex AI (roles/aiplatform.user)
// and its artifact bucket, granted to the agent's Kubernetes ServiceAccount as a Workload Identity
// principal, or to the Google service account that ServiceAccount already acts as. No key anywhere.
import * as gcp from "../../sdk/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { AgentConfig } from "../../agents/config";
import { ArtifactBucket } from "../../artifacts/gcp/artifactBucket";
import { ARTIFACT_ENV } from "../../artifacts/config";
import { vertexEnv } from "../../model/config";
import type { GcpConfig } from "../../../config";
import { fitName, maxNameLength, nameSafe } from "../../naming/names";
import { GKE_SERVICE_ACCOUNT_ANNOTATION } from "./workloadIdentity";
import type { AgentAccess as PlatformAgentAccess, AgentAccessArgs as AgentAccessArgsOfPlatform } from "../../platform/cloud";

/**
 * A Kubernetes ServiceAccount of a GKE cluster as an IAM principal, with no Google service account
 * in between (GKE docs, "Authenticate to Google Cloud APIs from GKE workloads"; adk-docs
 * docs/deploy/gke.md grants roles/aiplatform.user to it).
 */
function gkePrincipal(projectNumber: pulumi.Input<string>, project: string, namespace: string, serviceAccount: string): pulumi.Output<string> {
    return pulumi.interpolate`principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${project}.svc.id.goog/subject/ns/${namespace}/sa/${serviceAccount}`;
}

export interface AgentAccessArgs {
    agent: AgentConfig;
    project: string;
    /** Where the artifact bucket lives: the stack's region. */
    region: string;
    member: pulumi.Input<string>;
    bucketName: string;
    protect: boolean;
}

export class AgentAccess extends pulumi.ComponentResource {
    /** Non-secret environment that tells the agent where its model and artifacts are. */
    public readonly env: Record<string, pulumi.Input<string>>;

    constructor(name: string, args: AgentAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:gcp:AgentAccess", name, {}, opts);
        const { agent, project } = args;
        this.env = {};
        if (agent.model.access === "vertex-ai") {
            // Without it "requests to the model fail with a 403 PERMISSION_DENIED" (adk-docs docs/deploy/gke.md).
            new gcp.projects.IAMMember(`${name}-vertex-ai`, { project, role: "roles/aiplatform.user", member: args.member }, { parent: this });
            Object.assign(this.env, vertexEnv(project, agent.model.location));
        }
        if (agent.artifacts) {
            const bucket = new ArtifactBucket(`${name}-artifacts`, {
                bucketName: args.bucketName, project, location: args.region, member: args.member, protect: args.protect,
            }, { parent: this });
            this.env[ARTIFACT_ENV] = bucket.uri;
        }
        this.registerOutputs({ env: this.env });
    }
}

/**
 * Every agent's access on GCP, for the platform (components/platform/gcp.ts). An agent whose
 * ServiceAccount impersonates a Google service account (for its secrets or its sessions) is that
 * account to every API, since GKE's metadata server then hands out that account's tokens: its
 * grants go there. Otherwise they go to the ServiceAccount itself, which needs the project's number.
 */
export function agentAccessOnGcp(config: GcpConfig, provider: gcp.Provider, args: AgentAccessArgsOfPlatform): Record<string, PlatformAgentAccess> {
    const { project, region } = config.gcp;
    const agents = args.agents.filter((a) => a.model.access === "vertex-ai" || a.artifacts);
    let projectNumber: pulumi.Output<string> | undefined;
    // An invoke, read at preview too: the deploying identity may read the project (resourcemanager.projects.get).
    const number = () => projectNumber ??= gcp.organizations.getProjectOutput({ projectId: project }, { provider }).number;
    const stack = nameSafe(config.stack);
    return Object.fromEntries(agents.map((agent) => {
        const account = args.serviceAccountAnnotations[agent.name]?.[GKE_SERVICE_ACCOUNT_ANNOTATION];
        const member = account !== undefined
            ? pulumi.interpolate`serviceAccount:${account}`
            : gkePrincipal(number(), project, config.namespace, agent.name);
        const access = new AgentAccess(agent.name, {
            agent,
            project,
            region,
            member,
            // The project id makes the name the project's own: bucket names are global.
            bucketName: fitName(`${project}-${stack}-${agent.name}-artifacts`, maxNameLength("gcp:storage/bucket:Bucket")),
            protect: config.protect,
        }, { provider });
        return [agent.name, { env: access.env, volumes: [], principals: {
            ...(agent.model.access === "vertex-ai" ? { model: member } : {}),
            ...(agent.artifacts ? { artifacts: member } : {}),
        } }];
    }));
}
