// Schemas of the custom resources that no model package ships, written from the controllers' API
// types, so that the plan validates every object it renders. Each names its source.
import { z } from "zod";

const intOrString = z.union([z.number().int(), z.string().min(1)]);
const labelSelector = z.strictObject({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z.array(z.strictObject({
        key: z.string(),
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
        values: z.array(z.string()).optional(),
    })).optional(),
});
const metadata = z.looseObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/).max(253),
    namespace: z.string().min(1),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
});

/** AWS Load Balancer Controller, `apis/elbv2/v1beta1/targetgroupbinding_types.go`. */
const targetGroupBinding = z.strictObject({
    apiVersion: z.literal("elbv2.k8s.aws/v1beta1"),
    kind: z.literal("TargetGroupBinding"),
    metadata,
    spec: z.strictObject({
        targetGroupARN: z.string().min(1),
        multiClusterTargetGroup: z.boolean().optional(),
        targetType: z.enum(["instance", "ip"]).optional(),
        serviceRef: z.strictObject({ name: z.string().min(1), port: intOrString }),
        networking: z.strictObject({
            ingress: z.array(z.strictObject({
                from: z.array(z.strictObject({
                    ipBlock: z.strictObject({ cidr: z.string().min(1) }).optional(),
                    securityGroup: z.strictObject({ groupID: z.string().min(1) }).optional(),
                }).refine((peer) => (peer.ipBlock === undefined) !== (peer.securityGroup === undefined), "a peer is either an ipBlock or a securityGroup")).min(1),
                ports: z.array(z.strictObject({ protocol: z.enum(["TCP", "UDP"]).optional(), port: intOrString.optional() })),
            })).optional(),
        }).optional(),
        nodeSelector: labelSelector.optional(),
        ipAddressType: z.enum(["ipv4", "ipv6"]).optional(),
        vpcID: z.string().optional(),
    }),
});

export const CRD_SCHEMAS: Record<string, z.ZodType> = {
    "elbv2.k8s.aws/v1beta1/TargetGroupBinding": targetGroupBinding,
};
