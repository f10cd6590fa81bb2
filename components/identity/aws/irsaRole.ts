// An IAM role that one Kubernetes ServiceAccount assumes through the cluster's OIDC provider
// (IRSA), with an inline policy: short-lived credentials, no access keys, and no other pod can
// assume it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface IrsaRoleArgs {
    /** IAM OIDC provider of the EKS cluster (arn:aws:iam::<account>:oidc-provider/oidc.eks...). */
    oidcProviderArn: string;
    namespace: string;
    serviceAccountName: string;
    /** Statements of the role's inline policy. */
    statements: pulumi.Input<aws.iam.PolicyStatement[]>;
    description: string;
}

export class IrsaRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    /** The ServiceAccount annotation that makes the EKS pod identity webhook inject the role. */
    public readonly serviceAccountAnnotations: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:IrsaRole", name, {}, opts);
        const issuer = args.oidcProviderArn.slice(args.oidcProviderArn.indexOf("oidc-provider/") + "oidc-provider/".length);
        this.role = new aws.iam.Role(`${name}-role`, {
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
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-policy`, {
            role: this.role.id,
            policy: pulumi.output(args.statements).apply((statements) => JSON.stringify({ Version: "2012-10-17", Statement: statements })),
        }, { parent: this });
        this.roleArn = this.role.arn;
        this.serviceAccountAnnotations = { "eks.amazonaws.com/role-arn": this.role.arn };
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
