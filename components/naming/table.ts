// The physical-name table: for every resource type the program creates, which input holds the
// name the cloud or the cluster sees, how the provider fills it in when the program leaves it out,
// and what the cloud or the API server accepts, each with its source. The program shortens its
// names to it (names.ts) and the offline plan checks every name against it (tools/engine/naming.ts).

/** What the cloud or API server accepts for a name. */
export interface NameRule {
    min: number;
    /** Absent where the API sets no length limit of its own. */
    max?: number;
    /** Characters and shape (length is checked separately). */
    pattern: RegExp;
    /** The pattern in words, for messages. */
    text: string;
    source: string;
}

/** How a provider names a resource whose name input the program leaves out. */
export interface AutoName {
    /** Logical name, separator, then `randomLength` random lowercase hex digits. */
    separator: string;
    randomLength: number;
    /**
     * The provider refuses, rather than truncates, a logical name that does not leave room for the
     * random part within this length: pulumi-terraform-bridge pkg/tfbridge/info/autonaming.go
     * ComputeAutoNameDefault calls pulumi sdk/go/common/resource/resource_id.go NewUniqueName, which
     * errors with "name '...' plus 7 random chars is longer than maximum length N".
     */
    maxLength?: number;
    /** The bridge's Transform (strings.ToLower) applied to the logical name. */
    lowercase?: boolean;
    /** What a PostTransform puts in front (KMS aliases get `alias/`). */
    prefix?: string;
    source: string;
}

/** A `namePrefix`-style input: the provider appends a unique suffix of fixed length. */
export interface NamePrefix {
    property: string;
    suffixLength: number;
    source: string;
}

export interface NamingRow {
    type: string;
    /** Input that holds the physical name; `metadata.name` for Kubernetes objects. */
    property: string;
    /** How the provider fills the name in when absent; absent when the name is required. */
    autoName?: AutoName;
    namePrefix?: NamePrefix;
    rule: NameRule;
}

// --- Auto-naming, as each provider does it --------------------------------------------------------

const BRIDGE = "pulumi-terraform-bridge pkg/tfbridge/info/autonaming.go AutoName (Randlen 7, hex)";
/** pulumi-aws provider/autonaming.go setAutonaming: every resource with a `name` input gets AutoName("name", 255, "-"). */
const AWS_DEFAULT: AutoName = { separator: "-", randomLength: 7, maxLength: 255, source: `pulumi-aws provider/autonaming.go setAutonaming; ${BRIDGE}` };
/** pulumi-gcp provider/resources.go Provider: prov.SetAutonaming(255, "-"). */
const GCP_DEFAULT: AutoName = { separator: "-", randomLength: 7, maxLength: 255, source: `pulumi-gcp provider/resources.go Provider (prov.SetAutonaming(255, "-")); ${BRIDGE}` };
/**
 * pulumi-kubernetes provider/pkg/metadata/naming.go AssignNameIfAutonamable: NewUniqueName with
 * prefix urn.Name()+"-", random length 0 (which means 8 hex digits) and no maximum length.
 */
const KUBERNETES: AutoName = { separator: "-", randomLength: 8, source: "pulumi-kubernetes provider/pkg/metadata/naming.go AssignNameIfAutonamable" };
/**
 * Terraform's `name_prefix`: terraform-plugin-sdk helper/id PrefixedUniqueId appends a 26-character
 * timestamp and counter (UniqueIDSuffixLength).
 */
const TF_PREFIX = (source: string): NamePrefix => ({ property: "namePrefix", suffixLength: 26, source: `terraform-plugin-sdk helper/id UniqueIDSuffixLength; ${source}` });

// --- What the clouds and the API server accept ---------------------------------------------------

const ALNUM_HYPHEN = /^[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/;
const ALNUM_HYPHEN_TEXT = "letters, digits and hyphens, not starting or ending with a hyphen";
const DNS_NAME = /^(?:\*\.)?(?:[a-z0-9_](?:[-a-z0-9_]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[-a-z0-9_]{0,61}[a-z0-9_])?\.?$/i;
const DNS_NAME_TEXT = "a DNS name: dot-separated labels of at most 63 letters, digits, hyphens or underscores";
const GCP_RESOURCE: NameRule = {
    min: 1, max: 63, pattern: /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/,
    text: "[a-z]([-a-z0-9]{0,61}[a-z0-9])?", source: "https://cloud.google.com/compute/docs/naming-resources",
};
const GCP_LOGGING = (what: string, source: string): NameRule => ({
    min: 1, max: 100, pattern: /^[A-Za-z0-9][\w.-]*$/,
    text: `${what}: letters, digits, underscores, hyphens and periods, starting with a letter or digit`, source,
});
const DNS1123_LABEL: NameRule = {
    min: 1, max: 63, pattern: /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/,
    text: "a DNS-1123 label", source: "k8s.io/apimachinery/pkg/util/validation IsDNS1123Label (ValidateNamespaceName)",
};
const DNS1035_LABEL: NameRule = {
    min: 1, max: 63, pattern: /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/,
    text: "a DNS-1035 label (starts with a letter)", source: "k8s.io/apimachinery/pkg/util/validation IsDNS1035Label (ValidateServiceName)",
};
const DNS1123_SUBDOMAIN = (source: string): NameRule => ({
    min: 1, max: 253, pattern: /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/,
    text: "a DNS-1123 subdomain", source: `k8s.io/apimachinery/pkg/util/validation IsDNS1123Subdomain (${source})`,
});
const CORE = DNS1123_SUBDOMAIN("kubernetes pkg/apis/core/validation NameIsDNSSubdomain");
const WORKLOADS = DNS1123_SUBDOMAIN("kubernetes pkg/apis/{apps,autoscaling,policy,networking}/validation ValidateObjectMeta with NameIsDNSSubdomain");
const CUSTOM_RESOURCE = DNS1123_SUBDOMAIN("apiextensions-apiserver pkg/registry/customresource/validator.go, NameIsDNSSubdomain");
const RBAC: NameRule = {
    min: 1, pattern: /^(?!\.\.?$)[^/%]+$/,
    text: "a path segment (no '/' or '%', not '.' or '..')", source: "kubernetes pkg/apis/rbac/validation ValidateRBACName (path.IsValidPathSegmentName)",
};

const rows: NamingRow[] = [
    // AWS
    {
        type: "aws:lb/targetGroup:TargetGroup", property: "name",
        autoName: { separator: "-", randomLength: 7, maxLength: 32, source: `pulumi-aws provider/aliases.go applyLegacyResourceAliases (aws_lb_target_group: AutoName("name", 32, "-")); ${BRIDGE}` },
        namePrefix: TF_PREFIX("terraform-provider-aws internal/service/elbv2/validate.go validTargetGroupNamePrefix"),
        rule: { min: 1, max: 32, pattern: ALNUM_HYPHEN, text: ALNUM_HYPHEN_TEXT, source: "terraform-provider-aws internal/service/elbv2/validate.go validTargetGroupName" },
    },
    {
        type: "aws:lb/loadBalancer:LoadBalancer", property: "name", autoName: AWS_DEFAULT,
        namePrefix: TF_PREFIX("terraform-provider-aws internal/service/elbv2/validate.go validNamePrefix"),
        rule: {
            min: 1, max: 32, pattern: /^(?!internal-)[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?$/,
            text: `${ALNUM_HYPHEN_TEXT}, not starting with "internal-"`, source: "terraform-provider-aws internal/service/elbv2/validate.go validName",
        },
    },
    {
        type: "aws:ec2/securityGroup:SecurityGroup", property: "name", autoName: AWS_DEFAULT,
        namePrefix: TF_PREFIX("terraform-provider-aws internal/service/ec2/vpc_security_group.go name_prefix"),
        rule: {
            min: 1, max: 255, pattern: /^(?!sg-)[\w .\-:/()#,@[\]+=&;{}!$*]+$/,
            text: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*, not starting with \"sg-\"", source: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html",
        },
    },
    {
        type: "aws:iam/role:Role", property: "name",
        autoName: { separator: "-", randomLength: 7, maxLength: 64, source: `pulumi-aws provider/resource_overrides.go resourceOverrides (aws_iam_role: AutoName("name", 64, "-")); ${BRIDGE}` },
        namePrefix: TF_PREFIX("terraform-provider-aws internal/service/iam/role.go roleNamePrefixMaxLen (38 = 64 - 26)"),
        rule: { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, text: "letters, digits and +=,.@_-", source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html" },
    },
    {
        type: "aws:iam/rolePolicy:RolePolicy", property: "name", autoName: AWS_DEFAULT,
        rule: { min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, text: "letters, digits and +=,.@_-", source: "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html" },
    },
    {
        type: "aws:kms/alias:Alias", property: "name",
        autoName: { separator: "-", randomLength: 7, maxLength: 238, prefix: "alias/", source: `pulumi-aws provider/resource_overrides.go resourceOverrides (aws_kms_alias: Maxlen 238, PostTransform "alias/"); ${BRIDGE}` },
        rule: {
            min: 1, max: 256, pattern: /^alias\/(?!aws\/)[a-zA-Z0-9/_-]+$/,
            text: "alias/ then letters, digits and /_- (not alias/aws/)", source: "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html",
        },
    },
    {
        type: "aws:s3/bucket:Bucket", property: "bucket",
        autoName: { separator: "-", randomLength: 7, maxLength: 63, lowercase: true, source: `pulumi-aws provider/resource_overrides.go resourceOverrides (aws_s3_bucket: AutoNameTransform("bucket", 63, strings.ToLower)); ${BRIDGE}` },
        namePrefix: { property: "bucketPrefix", suffixLength: 26, source: "terraform-plugin-sdk helper/id UniqueIDSuffixLength; terraform-provider-aws internal/service/s3/bucket.go bucket_prefix (37 = 63 - 26)" },
        rule: {
            min: 3, max: 63, pattern: /^(?!xn--)(?!.*\.\.)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
            text: "lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit", source: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html",
        },
    },
    {
        type: "aws:secretsmanager/secret:Secret", property: "name", autoName: AWS_DEFAULT,
        rule: { min: 1, max: 512, pattern: /^[A-Za-z0-9/_+=.@-]+$/, text: "letters, digits and /_+=.@-", source: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html" },
    },
    {
        type: "aws:cloudwatch/logGroup:LogGroup", property: "name", autoName: AWS_DEFAULT,
        rule: { min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, text: "letters, digits and ._-/#", source: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html" },
    },
    {
        type: "aws:wafv2/webAcl:WebAcl", property: "name", autoName: AWS_DEFAULT,
        rule: { min: 1, max: 128, pattern: /^[\w-]+$/, text: "letters, digits, _ and -", source: "https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html" },
    },
    {
        // pulumi-aws provider/resource_overrides.go resourceOverrides: Route 53 records are not auto-named.
        type: "aws:route53/record:Record", property: "name",
        rule: { min: 1, max: 255, pattern: DNS_NAME, text: DNS_NAME_TEXT, source: "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DomainNameFormat.html" },
    },
    {
        // The certificate's first name is its subject's common name, which RFC 5280 caps at 64 octets.
        type: "aws:acm/certificate:Certificate", property: "domainName",
        rule: { min: 1, max: 64, pattern: DNS_NAME, text: DNS_NAME_TEXT, source: "https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html (DomainName: at most 64 octets)" },
    },
    // The program names both (components/sessions/aws/rdsSessionStore.ts); RDS keeps them in lowercase.
    {
        type: "aws:rds/instance:Instance", property: "identifier",
        rule: { min: 1, max: 63, pattern: /^[a-z](?!.*--)(?:[a-z0-9-]*[a-z0-9])?$/, text: "a letter, then letters, digits and hyphens; no two hyphens in a row, not ending with one", source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier)" },
    },
    {
        type: "aws:rds/subnetGroup:SubnetGroup", property: "name",
        rule: { min: 1, max: 255, pattern: /^(?!default$)[a-z0-9 ._-]+$/, text: "lowercase letters, digits, spaces, periods, underscores and hyphens, not \"default\"", source: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html (DBSubnetGroupName)" },
    },
    // Google Cloud
    {
        // Auto-named on purpose (components/sessions/gcp/cloudSqlSessionStore.ts): a deleted instance's name is held for up to a week.
        type: "gcp:sql/databaseInstance:DatabaseInstance", property: "name", autoName: GCP_DEFAULT,
        rule: { min: 1, max: 98, pattern: /^[a-z](?:[-a-z0-9]*[a-z0-9])?$/, text: "a lowercase letter, then lowercase letters, digits and hyphens", source: "https://cloud.google.com/sql/docs/postgres/instance-settings (Instance ID: at most 98 characters)" },
    },
    {
        // A PostgreSQL identifier: NAMEDATALEN 64 leaves 63 bytes (PostgreSQL docs, "Identifiers and Key Words").
        type: "gcp:sql/database:Database", property: "name", autoName: GCP_DEFAULT,
        rule: { min: 1, max: 63, pattern: /^[A-Za-z_][\w$-]*$/, text: "a letter or underscore, then letters, digits, _, $ and -", source: "https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS" },
    },
    {
        // An IAM service account's user is its email without .gserviceaccount.com, and a PostgreSQL role name (63 bytes).
        type: "gcp:sql/user:User", property: "name",
        rule: { min: 1, max: 63, pattern: /^[a-z][-a-z0-9_.@]*$/, text: "a PostgreSQL role name: letters, digits and -_.@", source: "https://cloud.google.com/sql/docs/postgres/add-manage-iam-users; https://www.postgresql.org/docs/current/sql-syntax-lexical.html#SQL-SYNTAX-IDENTIFIERS" },
    },
    { type: "gcp:compute/globalAddress:GlobalAddress", property: "name", autoName: GCP_DEFAULT, rule: GCP_RESOURCE },
    ...["certificate:Certificate", "certificateMap:CertificateMap", "certificateMapEntry:CertificateMapEntry", "dnsAuthorization:DnsAuthorization"].map((t): NamingRow => ({
        type: `gcp:certificatemanager/${t}`, property: "name", autoName: GCP_DEFAULT,
        rule: { ...GCP_RESOURCE, source: "https://cloud.google.com/certificate-manager/docs/reference/certificate-manager/rest (resource ids: [a-z]([-a-z0-9]{0,61}[a-z0-9])?)" },
    })),
    { type: "gcp:compute/sSLPolicy:SSLPolicy", property: "name", autoName: GCP_DEFAULT, rule: GCP_RESOURCE },
    {
        type: "gcp:compute/securityPolicy:SecurityPolicy", property: "name",
        autoName: { separator: "-", randomLength: 7, maxLength: 63, lowercase: true, source: `pulumi-gcp provider/resources.go lowercaseAutoName (Maxlen 63, strings.ToLower); ${BRIDGE}` },
        rule: GCP_RESOURCE,
    },
    {
        type: "gcp:kms/keyRing:KeyRing", property: "name", autoName: GCP_DEFAULT,
        rule: { min: 1, max: 63, pattern: /^[\w-]+$/, text: "[a-zA-Z0-9_-]", source: "https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings/create" },
    },
    {
        type: "gcp:kms/cryptoKey:CryptoKey", property: "name", autoName: GCP_DEFAULT,
        rule: { min: 1, max: 63, pattern: /^[\w-]+$/, text: "[a-zA-Z0-9_-]", source: "https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/create" },
    },
    {
        type: "gcp:pubsub/topic:Topic", property: "name", autoName: GCP_DEFAULT,
        rule: {
            min: 3, max: 255, pattern: /^(?!goog)[a-zA-Z][\w\-.~+%]*$/,
            text: "a letter, then letters, digits and -_.~+%; not starting with \"goog\"", source: "https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names",
        },
    },
    {
        type: "gcp:secretmanager/secret:Secret", property: "secretId",
        autoName: { separator: "-", randomLength: 7, maxLength: 255, source: `pulumi-gcp provider/secret_manager.go (secret_id: AutoName("secretId", 255, "-")); ${BRIDGE}` },
        rule: { min: 1, max: 255, pattern: /^[\w-]+$/, text: "[a-zA-Z0-9_-]", source: "https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets/create" },
    },
    {
        type: "gcp:serviceaccount/account:Account", property: "accountId",
        autoName: { separator: "-", randomLength: 7, maxLength: 30, source: `pulumi-gcp provider/resources.go (google_service_account account_id: AutoName("", 30, "-")); ${BRIDGE}` },
        rule: {
            min: 6, max: 30, pattern: /^[a-z](?:[-a-z0-9]*[a-z0-9])$/,
            text: "a lowercase letter, then lowercase letters, digits and hyphens, not ending with a hyphen", source: "https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/create",
        },
    },
    {
        type: "gcp:logging/projectBucketConfig:ProjectBucketConfig", property: "bucketId",
        rule: GCP_LOGGING("bucket id", "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.locations.buckets/create"),
    },
    {
        type: "gcp:logging/projectSink:ProjectSink", property: "name", autoName: GCP_DEFAULT,
        rule: GCP_LOGGING("sink name", "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.sinks#LogSink"),
    },
    {
        type: "gcp:logging/projectExclusion:ProjectExclusion", property: "name", autoName: GCP_DEFAULT,
        rule: GCP_LOGGING("exclusion name", "https://cloud.google.com/logging/docs/reference/v2/rest/v2/projects.exclusions#LogExclusion"),
    },
    {
        // Set explicitly (components/identity/gcp/agentAccess.ts), so the provider's auto-naming never applies.
        type: "gcp:storage/bucket:Bucket", property: "name",
        rule: {
            min: 3, max: 63, pattern: /^(?!goog)(?!.*google)[a-z0-9][a-z0-9_.-]*[a-z0-9]$/,
            text: "lowercase letters, digits, '-', '_' and '.', starting and ending with a letter or digit, not starting with \"goog\" nor containing \"google\"",
            source: "https://cloud.google.com/storage/docs/buckets#naming",
        },
    },
    // Kubernetes
    ...kubernetes("core/v1", { Namespace: DNS1123_LABEL, Service: DNS1035_LABEL, ServiceAccount: CORE, ConfigMap: CORE, Secret: CORE, ResourceQuota: CORE, LimitRange: CORE }),
    ...kubernetes("apps/v1", { Deployment: WORKLOADS, DaemonSet: WORKLOADS }),
    ...kubernetes("batch/v1", { Job: DNS1123_SUBDOMAIN("kubernetes pkg/apis/batch/validation ValidateJob (ValidateObjectMeta with NameIsDNSSubdomain)") }),
    ...kubernetes("autoscaling/v2", { HorizontalPodAutoscaler: WORKLOADS }),
    ...kubernetes("policy/v1", { PodDisruptionBudget: WORKLOADS }),
    ...kubernetes("networking.k8s.io/v1", { NetworkPolicy: WORKLOADS }),
    ...kubernetes("rbac.authorization.k8s.io/v1", { Role: RBAC, RoleBinding: RBAC, ClusterRole: RBAC, ClusterRoleBinding: RBAC }),
    ...kubernetes("monitoring.coreos.com/v1", { ServiceMonitor: CUSTOM_RESOURCE, PrometheusRule: CUSTOM_RESOURCE }),
    ...kubernetes("external-secrets.io/v1", { SecretStore: CUSTOM_RESOURCE, ExternalSecret: CUSTOM_RESOURCE }),
    ...kubernetes("gateway.networking.k8s.io/v1", { Gateway: CUSTOM_RESOURCE, HTTPRoute: CUSTOM_RESOURCE }),
    ...kubernetes("networking.gke.io/v1", { HealthCheckPolicy: CUSTOM_RESOURCE, GCPBackendPolicy: CUSTOM_RESOURCE, GCPGatewayPolicy: CUSTOM_RESOURCE }),
    ...kubernetes("elbv2.k8s.aws/v1beta1", { TargetGroupBinding: CUSTOM_RESOURCE }),
];

function kubernetes(groupVersion: string, kinds: Record<string, NameRule>): NamingRow[] {
    return Object.entries(kinds).map(([kind, rule]) => ({ type: `kubernetes:${groupVersion}:${kind}`, property: "metadata.name", autoName: KUBERNETES, rule }));
}

/** One row per resource type that has a physical name. */
export const NAMING: ReadonlyMap<string, NamingRow> = new Map(rows.map((row) => [row.type, row]));

/**
 * Types the program creates that have no physical name of their own: attachments, rules and
 * versions identified by what they belong to, and keys identified by a generated id.
 */
export const NO_PHYSICAL_NAME: ReadonlySet<string> = new Set([
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:kms/key:Key",
    // Its statement id is generated by the provider when unset (terraform-provider-aws lambda/permission.go).
    "aws:lambda/permission:Permission",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:secretsmanager/secretRotation:SecretRotation",
    "aws:secretsmanager/secretVersion:SecretVersion",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
    "gcp:projects/iAMMember:IAMMember",
    "gcp:projects/service:Service",
    "gcp:projects/serviceIdentity:ServiceIdentity",
    "gcp:pubsub/topicIAMMember:TopicIAMMember",
    "gcp:secretmanager/secretIamMember:SecretIamMember",
    "gcp:secretmanager/secretVersion:SecretVersion",
    "gcp:serviceaccount/iAMMember:IAMMember",
    "gcp:storage/bucketIAMMember:BucketIAMMember",
]);
