// The agents' sessions on GCP: one Cloud SQL for PostgreSQL instance per stack, private IP only,
// sealed with a key of its own (CMEK), with backups and point-in-time recovery; per agent a
// database and an IAM database user for a Google service account the agent's Kubernetes
// ServiceAccount acts as (Workload Identity). The agent reaches it through the Cloud SQL Auth
// Proxy beside it, which logs in as that identity: no password exists anywhere.
import * as gcp from "../../sdk/gcp";
import * as k8s from "../../sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GKE_SERVICE_ACCOUNT_ANNOTATION, projectRoleGrants, workloadIdentity } from "../../identity/gcp/workloadIdentity";
import { serviceKey } from "../../secrets/gcp/serviceKey";
import type { DatabaseSettings } from "../config";
import { BOOTSTRAP_USER, SessionBootstrap } from "../bootstrap";
import { databaseName, POSTGRES_PORT, sessionUriSecret, type AgentSession, type SessionStoreArgs } from "../store";
import { authProxySidecar } from "./authProxy";

type GcpNetwork = Required<DatabaseSettings>["gcp"];

export interface CloudSqlSessionStoreArgs extends SessionStoreArgs {
    /** Name-safe stack, for account ids and key names. */
    stack: string;
    project: string;
    region: string;
    settings: DatabaseSettings & { gcp: GcpNetwork };
    protect: boolean;
}

/** Connect through the proxy (`roles/cloudsql.client`) and log in as an IAM user (`roles/cloudsql.instanceUser`). */
const CLOUD_SQL_ROLES = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"];
/** Cloud SQL KMS keys must be rotated like the stack's other keys. */
const KEY_ROTATION_SECONDS = 90 * 86400;
const ADMIN = "sessions-admin";

/**
 * Databases the Admin API creates belong to `cloudsqlsuperuser`, and an IAM user starts with no
 * privileges (Cloud SQL docs, "Manage users with IAM database authentication": grant them with
 * GRANT). The administrator, a member of cloudsqlsuperuser, grants the agent's user its database
 * and the public schema, where ADK creates its tables. Runs connected to the agent's database.
 */
const SQL = `REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT ALL ON DATABASE :"db" TO :"role";
GRANT ALL ON SCHEMA public TO :"role";
`;

/** The IAM database user of a service account: its email without `.gserviceaccount.com` (Cloud SQL docs, "Add an IAM user or service account"). */
function iamDatabaseUser(email: pulumi.Input<string>): pulumi.Output<string> {
    return pulumi.output(email).apply((e) => e.replace(/\.gserviceaccount\.com$/, ""));
}

export class CloudSqlSessionStore extends pulumi.ComponentResource {
    public readonly instance: gcp.sql.DatabaseInstance;
    public readonly agents: Record<string, AgentSession> = {};

    constructor(name: string, args: CloudSqlSessionStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:sessions:CloudSqlSessionStore", name, {}, opts);
        const parent = { parent: this };
        const k8sOpts = { parent: this, provider: args.kubernetesProvider, dependsOn: args.dependsOn };
        const { settings } = args;

        // CMEK needs the Cloud SQL service agent allowed on the key before the instance exists
        // (Cloud SQL docs, "Use customer-managed encryption keys": create the service agent with
        // `gcloud beta services identity create --service=sqladmin.googleapis.com`, grant it
        // roles/cloudkms.cryptoKeyEncrypterDecrypter); the key must be in the instance's region.
        const { cryptoKey: key, keyUser } = serviceKey(name, {
            ringName: `adk-${args.stack}-sessions`,
            keyName: `adk-${args.stack}-sessions`,
            location: args.region,
            rotationSeconds: KEY_ROTATION_SECONDS,
            service: "sqladmin.googleapis.com",
            protectKey: args.protect,
        }, parent);

        const network = settings.gcp;
        // Auto-named (logical name plus a random suffix): a deleted instance's name cannot be
        // reused for up to a week (Cloud SQL docs, "Delete instances"), so a replacement, or the
        // stack re-created after a destroy, must not ask for the old name.
        this.instance = new gcp.sql.DatabaseInstance(`${name}-db`, {
            region: args.region,
            databaseVersion: `POSTGRES_${settings.engineVersion}`,
            encryptionKeyName: key.id,
            // The provider refuses to destroy the instance while true (terraform-provider-google
            // sql_database_instance deletion_protection); settings.deletionProtectionEnabled is the
            // API's own flag, which guards it from every client.
            deletionProtection: settings.deletionProtection,
            settings: {
                // PostgreSQL 16 and later default to Enterprise Plus, which has no shared-core or
                // custom tiers (Cloud SQL docs, "Cloud SQL editions").
                edition: "ENTERPRISE",
                tier: settings.tier,
                availabilityType: settings.highAvailability ? "REGIONAL" : "ZONAL",
                diskType: "PD_SSD",
                diskSize: settings.storageGb,
                diskAutoresize: true,
                deletionProtectionEnabled: settings.deletionProtection,
                ipConfiguration: {
                    ipv4Enabled: false,
                    privateNetwork: network.network,
                    allocatedIpRange: network.allocatedIpRange,
                    sslMode: "ENCRYPTED_ONLY",
                },
                backupConfiguration: {
                    enabled: true,
                    pointInTimeRecoveryEnabled: true,
                    // Enterprise edition keeps 1 to 7 days of transaction logs.
                    transactionLogRetentionDays: Math.min(7, settings.backupRetentionDays),
                    backupRetentionSettings: { retainedBackups: settings.backupRetentionDays, retentionUnit: "COUNT" },
                },
                databaseFlags: [{ name: "cloudsql.iam_authentication", value: "on" }],
            },
        }, { parent: this, protect: args.protect, dependsOn: [keyUser] });
        const connectionName = this.instance.connectionName;

        // The administrator of the bootstrap Jobs: an IAM user in cloudsqlsuperuser, through its own ServiceAccount.
        const admin = this.identity(`${name}-admin`, args, ADMIN, `adk-${args.stack}-sessions-admin`);
        new k8s.core.v1.ServiceAccount(`${name}-admin-sa`, {
            metadata: { name: ADMIN, namespace: args.namespace, labels: args.labels, annotations: { [GKE_SERVICE_ACCOUNT_ANNOTATION]: admin.email } },
            automountServiceAccountToken: false,
        }, k8sOpts);
        const adminUser = new gcp.sql.User(`${name}-admin-user`, {
            instance: this.instance.name,
            name: iamDatabaseUser(admin.email),
            type: "CLOUD_IAM_SERVICE_ACCOUNT",
            databaseRoles: ["cloudsqlsuperuser"],
        }, parent);

        const jobs = args.agents.map((agent) => {
            const db = databaseName(agent.name);
            // The agent's existing Workload Identity (its secrets' account) if it has one: a
            // ServiceAccount maps to one Google service account only.
            const existing = args.serviceAccountAnnotations[agent.name]?.[GKE_SERVICE_ACCOUNT_ANNOTATION];
            const identity = this.identity(`${name}-${agent.name}`, args, agent.name, `adk-${args.stack}-${agent.name}-db`, existing);
            const database = new gcp.sql.Database(`${name}-${agent.name}-db`, { instance: this.instance.name, name: db }, parent);
            const user = new gcp.sql.User(`${name}-${agent.name}-user`, {
                instance: this.instance.name,
                name: iamDatabaseUser(identity.email),
                type: "CLOUD_IAM_SERVICE_ACCOUNT",
                // PostgreSQL refuses to drop a role that holds grants; the provider then leaves it
                // (terraform-provider-google sql_user deletion_policy ABANDON). Without its IAM
                // roles it can no longer log in.
                deletionPolicy: "ABANDON",
            }, parent);
            const uri = pulumi.interpolate`postgresql+asyncpg://${user.name.apply(encodeURIComponent)}@127.0.0.1:${POSTGRES_PORT}/${database.name}`;
            this.agents[agent.name] = {
                uriSecret: sessionUriSecret(name, agent.name, uri, args, k8sOpts),
                serviceAccountAnnotations: existing === undefined ? { [GKE_SERVICE_ACCOUNT_ANNOTATION]: identity.email } : undefined,
                sidecars: [authProxySidecar(settings.proxyImage, connectionName, agent.runAsUser)],
            };
            // Through the user's and the database's outputs, each Job waits for both.
            return { agent: agent.name, variables: { role: user.name, db: database.name }, env: [{ name: "PGDATABASE", value: database.name }] };
        });

        new SessionBootstrap(`${name}-bootstrap`, {
            namespace: args.namespace,
            image: settings.bootstrapImage,
            sql: SQL,
            env: [
                { name: "PGHOST", value: "127.0.0.1" },
                { name: "PGPORT", value: String(POSTGRES_PORT) },
                { name: "PGUSER", value: adminUser.name },
            ],
            jobs,
            sidecars: [authProxySidecar(settings.proxyImage, connectionName, BOOTSTRAP_USER)],
            serviceAccountName: ADMIN,
            labels: args.labels,
        }, k8sOpts);
        this.registerOutputs({ connectionName });
    }

    /** A Google service account for a Kubernetes ServiceAccount (a new one unless `existing`), allowed to connect and log in. */
    private identity(name: string, args: CloudSqlSessionStoreArgs, serviceAccountName: string, accountName: string, existing?: pulumi.Input<string>): { email: pulumi.Output<string> } {
        const email = existing === undefined
            ? workloadIdentity(name, { project: args.project, accountName, namespace: args.namespace, serviceAccountName }, { parent: this }).email
            : pulumi.output(existing);
        projectRoleGrants(name, args.project, email, CLOUD_SQL_ROLES, { parent: this });
        return { email };
    }
}
