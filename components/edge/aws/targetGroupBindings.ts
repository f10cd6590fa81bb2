// Pods join the target groups through TargetGroupBinding objects, which the AWS Load Balancer
// Controller reconciles: one per agent Service, beside it.
import * as aws from "../../sdk/aws";
import * as k8s from "../../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { agentSelector, SERVICE_PORT, Track } from "../../agents/contract";
import { MANAGED_BY } from "../../kubernetes/labels";
import type { AlbCanaryArgs } from "./albCanaryArgs";
import type { EdgeAgent } from "../routes";

/** Fields of a TargetGroupBinding that the AWS Load Balancer Controller's webhook keeps immutable. */
export const TARGET_GROUP_BINDING_IMMUTABLE = ["spec.targetGroupARN", "spec.targetType", "spec.ipAddressType", "spec.vpcID"] as const;

/** One TargetGroupBinding per Service; the controller also opens the pods' security group to the ALB. */
export function targetGroupBindings(component: pulumi.Resource, name: string, args: AlbCanaryArgs, agent: EdgeAgent, targetGroups: Partial<Record<Track, aws.lb.TargetGroup>>, securityGroup: aws.ec2.SecurityGroup): k8s.apiextensions.CustomResource[] {
    return agent.tracks.map((track) => {
        const service = agent.services[track];
        if (service === undefined) throw new pulumi.ResourceError(`agent ${agent.agent} has no ${track} Service to bind`, component);
        return new k8s.apiextensions.CustomResource(`${name}-${agent.agent}-${track}-binding`, {
            apiVersion: "elbv2.k8s.aws/v1beta1",
            kind: "TargetGroupBinding",
            metadata: {
                name: service.metadata.name,
                namespace: args.namespace,
                labels: { ...args.labels, ...agentSelector(agent.agent), track, ...MANAGED_BY },
            },
            spec: {
                serviceRef: { name: service.metadata.name, port: SERVICE_PORT },
                targetGroupARN: targetGroups[track]!.arn,
                targetType: "ip",
                vpcID: args.loadBalancer.aws.vpcId,
                networking: {
                    ingress: [{
                        from: [{ securityGroup: { groupID: securityGroup.id } }],
                        ports: [{ protocol: "TCP", port: agent.port }],
                    }],
                },
            },
        }, {
            parent: component,
            provider: args.kubernetesProvider,
            // The controller's webhook refuses any update of these fields (checkImmutableFields in
            // webhooks/elbv2/targetgroupbinding_validator.go), so a replaced target group must
            // replace its binding. The provider would not: none is in its own replace-forcing
            // list, and that list alone makes it ask for delete-before-replace
            // (pulumi-kubernetes provider/pkg/provider/provider.go, Diff). Without
            // deleteBeforeReplace the engine would create the new binding first, under the
            // same fixed name, and fail on "already exists".
            replaceOnChanges: [...TARGET_GROUP_BINDING_IMMUTABLE],
            deleteBeforeReplace: true,
        });
    });
}
