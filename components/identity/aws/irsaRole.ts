// An IAM role that one Kubernetes ServiceAccount assumes through the cluster's OIDC provider
// (IRSA), with an inline policy: short-lived credentials, no access keys, and no other pod can
// assume it.
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";
import { underFormerComponent } from "../../naming/formerComponent";

export interface IrsaRoleArgs {
    /** IAM OIDC provider of the EKS cluster (arn:aws:iam::<account>:oidc-provider/oidc.eks...). */
    oidcProviderArn: string;
    namespace: string;
    serviceAccountName: string;
    /** Statements of the role's inline policy. */
    statements: pulumi.Input<aws.iam.PolicyStatement[]>;
    description: string;
}

/** The annotation through which EKS's pod identity webhook hands a pod its IRSA role (aws/amazon-eks-pod-identity-webhook README). */
export const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";

export interface IrsaRole {
    role: aws.iam.Role;
    /** The ServiceAccount annotation that makes the EKS pod identity webhook inject the role. */
    serviceAccountAnnotations: Record<string, pulumi.Output<string>>;
}

/** The role `${name}-role` and its policy `${name}-policy`, under `opts.parent`. */
export function irsaRole(name: string, args: IrsaRoleArgs, opts: pulumi.CustomResourceOptions): IrsaRole {
    // Formerly a component of this type: its children keep their URNs.
    const children = underFormerComponent("adk:aws:IrsaRole", name, opts);
    const issuer = args.oidcProviderArn.slice(args.oidcProviderArn.indexOf("oidc-provider/") + "oidc-provider/".length);
    const role = new aws.iam.Role(`${name}-role`, {
        description: args.description,
        assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{
                Effect: "Allow",
                Principal: { Federated: args.oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccountName}`,
                        [`${issuer}:aud`]: "sts.amazonaws.com",
                    },
                },
            }],
        }),
    }, children);
    new aws.iam.RolePolicy(`${name}-policy`, {
        role: role.id,
        policy: pulumi.output(args.statements).apply((statements) => JSON.stringify({ Version: "2012-10-17", Statement: statements })),
    }, children);
    return { role, serviceAccountAnnotations: { [IRSA_ANNOTATION]: role.arn } };
}
