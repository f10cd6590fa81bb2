// The agents' sessions on AWS: one RDS for PostgreSQL instance per stack in the cluster's private
// subnets, reachable on 5432 from the cluster's pods only, encrypted with a key of its own, its
// master password kept and rotated by Secrets Manager; and per agent a database, a role, and a
// password in Secrets Manager that External Secrets Operator turns into the agent's session URI.
//
// RDS for PostgreSQL rather than Aurora: a session store is small and write-light, a single
// instance (Multi-AZ in prod) is the cheapest highly available shape, and every setting used here
// (managed master password, KMS, deletion protection, final snapshot) exists on both, so moving to
// Aurora later is a restore from snapshot, not a redesign.
import * as aws from "../../sdk/aws";
import * as k8s from "../../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "node:crypto";
import { irsaRole } from "../../identity/aws/irsaRole";
import { fitName, maxNameLength, nameSafe } from "../../naming/names";
import { AgentExternalSecret } from "../../secrets/agentExternalSecret";
import { secretsManagerStore } from "../../secrets/aws/agentSecret";
import { secretRotation } from "../../secrets/aws/secretRotation";
import { recoveryWindowDays } from "../../secrets/aws/secretsKey";
import type { DatabaseSettings } from "../config";
import { fromSecret, SessionBootstrap } from "../bootstrap";
import { databaseName, POSTGRES_PORT, SESSION_URI_KEY, type AgentSession, type SessionStoreArgs } from "../store";

type AwsNetwork = Required<DatabaseSettings>["aws"];

export interface RdsSessionStoreArgs extends SessionStoreArgs {
    stack: string;
    settings: DatabaseSettings & { aws: AwsNetwork };
    region: string;
    oidcProviderArn: string;
    rotationLambdaArn: string;
    rotationDays: number;
    /** `protect`, deletion protection and a final snapshot. */
    protect: boolean;
}

/** The master user RDS creates; its password never leaves Secrets Manager. */
const MASTER_USER = "adk_admin";
/** The ESO template key the bootstrap Job reads the agent's password from. */
const PASSWORD_KEY = "PASSWORD";

/**
 * Idempotent: creates the agent's role and database once, and sets the role's password from the
 * agent's secret on every run. Since PostgreSQL 16 the creator of a role holds it only WITH ADMIN,
 * and `CREATE DATABASE ... OWNER` needs membership, hence the GRANT to the current user.
 */
const SQL = `SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec
\\getenv password AGENT_PASSWORD
ALTER ROLE :"role" WITH LOGIN PASSWORD :'password';
GRANT :"role" TO CURRENT_USER;
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
`;

export class RdsSessionStore extends pulumi.ComponentResource {
    public readonly instance: aws.rds.Instance;
    public readonly agents: Record<string, AgentSession> = {};
    /** The DB subnets' CIDRs: the only place the agents may reach on 5432. */
    public readonly subnetCidrs: pulumi.Output<string>[];

    constructor(name: string, args: RdsSessionStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:sessions:RdsSessionStore", name, {}, opts);
        const parent = { parent: this };
        const { settings } = args;
        const network = settings.aws;
        const k8sOpts = { parent: this, provider: args.kubernetesProvider, dependsOn: args.dependsOn };

        // A key of its own rather than the agents' secrets key: that one exists only with
        // external-secrets delivery, and RDS can never change an instance's storage key in place
        // (kms_key_id is ForceNew: hashicorp/terraform-provider-aws internal/service/rds/instance.go), so the
        // database must not depend on another feature's key.
        const key = new aws.kms.Key(`${name}-key`, {
            description: `ADK session database (${args.stack})`,
            enableKeyRotation: true,
            rotationPeriodInDays: 365,
            deletionWindowInDays: recoveryWindowDays(args.protect),
        }, { parent: this, protect: args.protect });
        // Named, not auto-named, so operators find it; nameSafe gives what both RDS names accept.
        const physical = fitName(`adk-${nameSafe(args.stack).replace(/-+/g, "-")}-sessions`, maxNameLength("aws:rds/instance:Instance"));
        const subnets = new aws.rds.SubnetGroup(`${name}-subnets`, { name: physical, subnetIds: network.subnetIds, description: `ADK sessions ${args.stack}` }, parent);
        const group = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: network.vpcId, description: "ADK session database: PostgreSQL from the cluster's pods only" }, parent);
        network.clientSecurityGroupIds.forEach((source, i) => new aws.vpc.SecurityGroupIngressRule(`${name}-from-sg-${i}`, {
            securityGroupId: group.id, referencedSecurityGroupId: source, ipProtocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT,
        }, parent));
        network.clientCidrs.forEach((cidr, i) => new aws.vpc.SecurityGroupIngressRule(`${name}-from-cidr-${i}`, {
            securityGroupId: group.id, cidrIpv4: cidr, ipProtocol: "tcp", fromPort: POSTGRES_PORT, toPort: POSTGRES_PORT,
        }, parent));

        // terraform-provider-aws website/docs/r/db_instance.html.markdown: manage_master_user_password
        // has RDS create the master secret in Secrets Manager (rotated every 7 days by default),
        // sealed with master_user_secret_kms_key_id; it conflicts with `password`.
        this.instance = new aws.rds.Instance(`${name}-db`, {
            identifier: physical,
            engine: "postgres",
            engineVersion: settings.engineVersion,
            instanceClass: settings.instanceClass,
            allocatedStorage: settings.storageGb,
            // Storage autoscaling up to 4 times the allocation before anyone is paged.
            maxAllocatedStorage: settings.storageGb * 4,
            storageType: "gp3",
            storageEncrypted: true,
            kmsKeyId: key.arn,
            dbSubnetGroupName: subnets.name,
            vpcSecurityGroupIds: [group.id],
            publiclyAccessible: false,
            multiAz: settings.highAvailability,
            username: MASTER_USER,
            manageMasterUserPassword: true,
            masterUserSecretKmsKeyId: key.arn,
            backupRetentionPeriod: settings.backupRetentionDays,
            copyTagsToSnapshot: true,
            deletionProtection: settings.deletionProtection,
            skipFinalSnapshot: !args.protect,
            finalSnapshotIdentifier: args.protect ? `${physical}-final` : undefined,
            autoMinorVersionUpgrade: true,
            // RDS for PostgreSQL 15 and later default rds.force_ssl to 1: clients must use TLS (RDS
            // User Guide, https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html).
            // IAM database authentication stays off: ADK's session URI carries a password, and an
            // IAM token (15 minutes) would need a connection factory ADK does not take from a URI.
            iamDatabaseAuthenticationEnabled: false,
        }, { parent: this, protect: args.protect });
        const masterSecretArn = this.instance.masterUserSecrets.apply((secrets) => secrets[0]?.secretArn ?? "");

        this.subnetCidrs = network.subnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, parent).cidrBlock);

        // The administrator's credentials for the bootstrap Jobs, read through its own IRSA role.
        const admin = this.externalSecret(`${name}-admin`, args, "sessions-admin", masterSecretArn, [masterSecretArn], key.arn);
        const bootstrapJobs = args.agents.map((agent) => {
            const db = databaseName(agent.name);
            const secret = new aws.secretsmanager.Secret(`${name}-${agent.name}`, {
                name: `adk/${args.stack}/sessions/${agent.name}`,
                description: `Session database credentials of ADK agent ${agent.name}`,
                kmsKeyId: key.arn,
                recoveryWindowInDays: recoveryWindowDays(args.protect),
            }, parent);
            // The structure AWS's rotation functions read and write (engine, host, username,
            // password, dbname, port, and masterarn for alternating users: Secrets Manager docs,
            // "JSON structure of Secrets Manager secrets"). Generated once: later runs generate
            // another, which the engine ignores (ignoreChanges), so the stored one, and the rotated
            // ones after it, stay.
            const value = new aws.secretsmanager.SecretVersion(`${name}-${agent.name}-value`, {
                secretId: secret.id,
                secretString: pulumi.secret(pulumi.all([this.instance.address, masterSecretArn]).apply(([host, masterarn]) => JSON.stringify({
                    engine: "postgres", host, port: POSTGRES_PORT, dbname: db, username: db, password: randomBytes(24).toString("base64url"), masterarn,
                }))),
            }, { parent: this, ignoreChanges: ["secretString", "versionStages"] });
            // The alternating-users function: the previous credentials stay valid until the next
            // rotation, so pods started before it keep connecting; the first password reaches the
            // database (the bootstrap Job) before a rotation changes it.
            secretRotation(`${name}-${agent.name}`, secret, value, args, parent);
            // Escaped in the URI: the rotation function draws passwords from every printable
            // character but / @ " ' \ (its EXCLUDE_CHARACTERS default, aws-samples/aws-secrets-manager-rotation-lambdas),
            // so ':', '#', '?' or '%' would cut the URI short. Go's urlquery escapes them as %XX,
            // which SQLAlchemy's make_url unquotes.
            const uri = pulumi.interpolate`postgresql+asyncpg://{{ .username | urlquery }}:{{ .password | urlquery }}@${this.instance.address}:${POSTGRES_PORT}/${db}?ssl=require`;
            const synced = this.externalSecret(`${name}-${agent.name}`, args, `${agent.name}-sessions`, secret.name, [secret.arn], key.arn,
                { [SESSION_URI_KEY]: uri, [PASSWORD_KEY]: "{{ .password }}" });
            this.agents[agent.name] = { uriSecret: { name: synced, key: SESSION_URI_KEY } };
            return { agent: agent.name, variables: { role: db, db }, env: [fromSecret("AGENT_PASSWORD", synced, PASSWORD_KEY)] };
        });

        new SessionBootstrap(`${name}-bootstrap`, {
            namespace: args.namespace,
            image: settings.bootstrapImage,
            sql: SQL,
            env: [
                { name: "PGHOST", value: this.instance.address },
                { name: "PGPORT", value: String(POSTGRES_PORT) },
                { name: "PGDATABASE", value: "postgres" },
                { name: "PGSSLMODE", value: "require" },
                fromSecret("PGUSER", admin, "username"),
                fromSecret("PGPASSWORD", admin, "password"),
            ],
            jobs: bootstrapJobs,
            labels: args.labels,
        }, k8sOpts);
        this.registerOutputs({ endpoint: this.instance.address });
    }

    /**
     * A Secrets Manager secret delivered into the namespace by External Secrets Operator, through
     * a ServiceAccount of its own whose IRSA role may read that secret and nothing else. Returns
     * the Kubernetes Secret's name.
     */
    private externalSecret(name: string, args: RdsSessionStoreArgs, objectName: string, remoteKey: pulumi.Input<string>, secretArns: pulumi.Input<string>[], keyArn: pulumi.Input<string>, templateData?: Record<string, pulumi.Input<string>>): string {
        const k8sOpts = { parent: this, provider: args.kubernetesProvider, dependsOn: args.dependsOn };
        const role = irsaRole(name, {
            oidcProviderArn: args.oidcProviderArn,
            namespace: args.namespace,
            serviceAccountName: objectName,
            description: `External Secrets Operator reads ${objectName} for ${args.namespace}`,
            statements: [
                { Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], Resource: secretArns },
                { Effect: "Allow", Action: "kms:Decrypt", Resource: keyArn, Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com` } } },
            ],
        }, { parent: this });
        // ESO authenticates as this ServiceAccount (a token it requests); no pod mounts it.
        new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: { name: objectName, namespace: args.namespace, labels: args.labels, annotations: role.serviceAccountAnnotations },
            automountServiceAccountToken: false,
        }, k8sOpts);
        const synced = new AgentExternalSecret(name, {
            namespace: args.namespace,
            agent: objectName,
            storeProvider: secretsManagerStore(args.region, objectName),
            remoteKey,
            refreshInterval: args.refreshInterval,
            labels: args.labels,
            templateData,
        }, k8sOpts);
        return synced.secretName;
    }
}
