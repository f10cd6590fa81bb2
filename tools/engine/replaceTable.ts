// What makes an update of a deployed resource a replacement, per resource type the program
// creates: the provider's replace-forcing ("ForceNew") properties, the fields a server refuses to
// change in place, and the property whose value must be unique while two copies exist.
// Property names are the Pulumi (camelCase) spellings of the provider's schema fields.
import { TARGET_GROUP_BINDING_IMMUTABLE } from "../../components/edge/aws/targetGroupBindings";

export interface ReplaceRule {
    /** A Pulumi type token; a trailing "*" matches every type that starts with the rest. */
    type: string;
    /** Properties whose change makes the provider replace the resource. */
    forceNew: string[];
    /** Properties a server refuses to change in place; only a replacement may change them. */
    immutable?: string[];
    /**
     * The property that names the resource in a namespace where names are unique: a
     * create-before-delete replacement that keeps it collides with the resource it replaces.
     */
    uniqueName?: string;
    /** Where the rule comes from. */
    source: string;
}

const TF_AWS = "hashicorp/terraform-provider-aws internal/service";
const TF_GOOGLE = "hashicorp/terraform-provider-google google/services";
/** The parent-and-binding fields of every google_*_iam_member (google/tpgiamresource/resource_iam_member.go). */
const IAM_MEMBER = ["role", "member", "condition"];

/** One row per type; the first row whose type matches wins, so specific rows precede wildcards. */
export const REPLACE_TABLE: readonly ReplaceRule[] = [
    // Kubernetes: pulumi-kubernetes replaces on a change of these (provider/pkg/provider/diff.go,
    // forceNewProperties); .metadata.name and .metadata.namespace apply to every kind.
    { type: "kubernetes:apps/v1:Deployment", forceNew: ["metadata.name", "metadata.namespace", "spec.selector"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (deployment)" },
    { type: "kubernetes:apps/v1:DaemonSet", forceNew: ["metadata.name", "metadata.namespace", "spec.selector"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (daemonset)" },
    { type: "kubernetes:core/v1:Service", forceNew: ["metadata.name", "metadata.namespace", "spec.clusterIP"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (core v1 Service)" },
    // Secrets and ConfigMaps are replaced on a data change unless the provider is configured with
    // enableSecretMutable / enableConfigMapMutable, which this program's provider is not.
    { type: "kubernetes:core/v1:Secret", forceNew: ["metadata.name", "metadata.namespace", "type", "stringData", "data"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (clients.IsSecret)" },
    { type: "kubernetes:core/v1:ConfigMap", forceNew: ["metadata.name", "metadata.namespace", "binaryData", "data"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (clients.IsConfigMap)" },
    { type: "kubernetes:core/v1:ResourceQuota", forceNew: ["metadata.name", "metadata.namespace", "spec.scopes"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (core v1 ResourceQuota)" },
    { type: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", forceNew: ["metadata.name", "metadata.namespace", "roleRef"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (roleBinding)" },
    { type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", forceNew: ["metadata.name", "roleRef"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (roleBinding)" },
    // The provider knows nothing of the controller's webhook; the program replaces the binding
    // through replaceOnChanges (components/edge/aws/albCanary.ts).
    {
        type: "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", forceNew: ["metadata.name", "metadata.namespace"], immutable: [...TARGET_GROUP_BINDING_IMMUTABLE], uniqueName: "metadata.name",
        source: "pulumi-kubernetes diff.go (metadata); aws-load-balancer-controller webhooks/elbv2/targetgroupbinding_validator.go checkImmutableFields",
    },
    // A Job's template is immutable (kubernetes pkg/apis/batch/validation ValidateJobSpecUpdate), so the provider replaces it.
    { type: "kubernetes:batch/v1:Job", forceNew: ["metadata.name", "metadata.namespace", "spec.selector", "spec.template"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (job); kubernetes pkg/apis/batch/validation" },
    { type: "kubernetes:*", forceNew: ["metadata.name", "metadata.namespace"], uniqueName: "metadata.name", source: "pulumi-kubernetes provider/pkg/provider/diff.go (metadataForceNewProperties)" },

    // AWS (pulumi-aws bridges terraform-provider-aws: a ForceNew field replaces).
    { type: "aws:lb/loadBalancer:LoadBalancer", forceNew: ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"], uniqueName: "name", source: `${TF_AWS}/elbv2/load_balancer.go` },
    { type: "aws:lb/listener:Listener", forceNew: ["loadBalancerArn"], source: `${TF_AWS}/elbv2/listener.go` },
    // priority is `ForceNew: false` and updated in place (SetRulePriorities).
    { type: "aws:lb/listenerRule:ListenerRule", forceNew: ["listenerArn"], source: `${TF_AWS}/elbv2/listener_rule.go` },
    { type: "aws:lb/targetGroup:TargetGroup", forceNew: ["name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId", "ipAddressType"], uniqueName: "name", source: `${TF_AWS}/elbv2/target_group.go` },
    { type: "aws:ec2/securityGroup:SecurityGroup", forceNew: ["name", "namePrefix", "description", "vpcId"], uniqueName: "name", source: `${TF_AWS}/ec2/vpc_security_group.go` },
    { type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", forceNew: ["securityGroupId"], source: `${TF_AWS}/ec2/vpc_security_group_ingress_rule.go (RequiresReplace)` },
    { type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", forceNew: ["securityGroupId"], source: `${TF_AWS}/ec2/vpc_security_group_egress_rule.go (RequiresReplace)` },
    { type: "aws:acm/certificate:Certificate", forceNew: ["domainName", "subjectAlternativeNames", "keyAlgorithm", "certificateAuthorityArn", "validationMethod", "validationOptions"], source: `${TF_AWS}/acm/certificate.go` },
    { type: "aws:acm/certificateValidation:CertificateValidation", forceNew: ["certificateArn", "validationRecordFqdns"], source: `${TF_AWS}/acm/certificate_validation.go` },
    { type: "aws:route53/record:Record", forceNew: ["zoneId", "name", "setIdentifier"], source: `${TF_AWS}/route53/record.go` },
    { type: "aws:s3/bucket:Bucket", forceNew: ["bucket", "bucketPrefix", "objectLockEnabled"], uniqueName: "bucket", source: `${TF_AWS}/s3/bucket.go` },
    { type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", forceNew: ["bucket"], source: `${TF_AWS}/s3/bucket_ownership_controls.go` },
    { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", forceNew: ["bucket"], source: `${TF_AWS}/s3/bucket_public_access_block.go` },
    { type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", forceNew: ["bucket", "expectedBucketOwner"], source: `${TF_AWS}/s3/bucket_server_side_encryption_configuration.go` },
    { type: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", forceNew: ["bucket", "expectedBucketOwner"], source: `${TF_AWS}/s3/bucket_lifecycle_configuration.go` },
    { type: "aws:s3/bucketPolicy:BucketPolicy", forceNew: ["bucket"], source: `${TF_AWS}/s3/bucket_policy.go` },
    { type: "aws:kms/key:Key", forceNew: ["customerMasterKeySpec", "keySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"], source: `${TF_AWS}/kms/key.go` },
    { type: "aws:kms/alias:Alias", forceNew: ["name", "namePrefix"], uniqueName: "name", source: `${TF_AWS}/kms/alias.go` },
    // A deleted secret keeps its name through the recovery window, so a same-name replacement fails.
    { type: "aws:secretsmanager/secret:Secret", forceNew: ["name", "namePrefix"], uniqueName: "name", source: `${TF_AWS}/secretsmanager/secret.go` },
    { type: "aws:secretsmanager/secretVersion:SecretVersion", forceNew: ["secretId", "secretString", "secretBinary"], source: `${TF_AWS}/secretsmanager/secret_version.go` },
    // Every argument of a Lambda permission forces a new statement.
    { type: "aws:lambda/permission:Permission", forceNew: ["action", "function", "principal", "sourceArn", "sourceAccount", "statementId", "statementIdPrefix", "qualifier", "eventSourceToken", "functionUrlAuthType", "principalOrgId"], source: `${TF_AWS}/lambda/permission.go` },
    { type: "aws:secretsmanager/secretRotation:SecretRotation", forceNew: ["secretId"], source: `${TF_AWS}/secretsmanager/secret_rotation.go` },
    { type: "aws:iam/role:Role", forceNew: ["name", "namePrefix", "path"], uniqueName: "name", source: `${TF_AWS}/iam/role.go` },
    { type: "aws:iam/rolePolicy:RolePolicy", forceNew: ["name", "namePrefix", "role"], source: `${TF_AWS}/iam/role_policy.go` },
    { type: "aws:cloudwatch/logGroup:LogGroup", forceNew: ["name", "namePrefix", "logGroupClass"], uniqueName: "name", source: `${TF_AWS}/logs/group.go` },
    { type: "aws:rds/instance:Instance", forceNew: ["identifier", "identifierPrefix", "engine", "kmsKeyId", "storageEncrypted", "username", "dbName", "availabilityZone", "characterSetName", "ncharCharacterSetName", "timezone", "snapshotIdentifier", "restoreToPointInTime", "s3Import", "customIamInstanceProfile"], uniqueName: "identifier", source: `${TF_AWS}/rds/instance.go` },
    { type: "aws:rds/subnetGroup:SubnetGroup", forceNew: ["name", "namePrefix"], uniqueName: "name", source: `${TF_AWS}/rds/subnet_group.go` },
    { type: "aws:wafv2/webAcl:WebAcl", forceNew: ["name", "namePrefix", "scope"], uniqueName: "name", source: `${TF_AWS}/wafv2/web_acl.go` },
    { type: "aws:wafv2/webAclAssociation:WebAclAssociation", forceNew: ["resourceArn", "webAclArn"], source: `${TF_AWS}/wafv2/web_acl_association.go` },

    // GCP (pulumi-gcp bridges terraform-provider-google); names are unique per project.
    { type: "gcp:compute/globalAddress:GlobalAddress", forceNew: ["name", "address", "addressType", "description", "ipVersion", "network", "prefixLength", "purpose", "project"], uniqueName: "name", source: `${TF_GOOGLE}/compute/resource_compute_global_address.go` },
    { type: "gcp:compute/sSLPolicy:SSLPolicy", forceNew: ["name", "description", "project"], uniqueName: "name", source: `${TF_GOOGLE}/compute/resource_compute_ssl_policy.go` },
    { type: "gcp:compute/securityPolicy:SecurityPolicy", forceNew: ["name", "project", "type"], uniqueName: "name", source: `${TF_GOOGLE}/compute/resource_compute_security_policy.go` },
    { type: "gcp:certificatemanager/certificate:Certificate", forceNew: ["name", "location", "managed", "scope", "project", "selfManaged"], uniqueName: "name", source: `${TF_GOOGLE}/certificatemanager/resource_certificate_manager_certificate.go` },
    { type: "gcp:certificatemanager/dnsAuthorization:DnsAuthorization", forceNew: ["name", "domain", "location", "type", "project"], uniqueName: "name", source: `${TF_GOOGLE}/certificatemanager/resource_certificate_manager_dns_authorization.go` },
    { type: "gcp:certificatemanager/certificateMap:CertificateMap", forceNew: ["name", "project"], uniqueName: "name", source: `${TF_GOOGLE}/certificatemanager/resource_certificate_manager_certificate_map.go` },
    { type: "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry", forceNew: ["map", "name", "hostname", "matcher", "project"], uniqueName: "name", source: `${TF_GOOGLE}/certificatemanager/resource_certificate_manager_certificate_map_entry.go` },
    // A key ring cannot be deleted at all: replacing one strands the old ring and its keys.
    { type: "gcp:kms/keyRing:KeyRing", forceNew: ["location", "name", "project"], uniqueName: "name", source: `${TF_GOOGLE}/kms/resource_kms_key_ring.go` },
    { type: "gcp:kms/cryptoKey:CryptoKey", forceNew: ["keyRing", "name", "cryptoKeyBackend", "destroyScheduledDuration", "importOnly", "purpose", "versionTemplate.protectionLevel"], uniqueName: "name", source: `${TF_GOOGLE}/kms/resource_kms_crypto_key.go` },
    { type: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", forceNew: ["cryptoKeyId", ...IAM_MEMBER], source: `${TF_GOOGLE}/kms/iam_kms_crypto_key.go` },
    { type: "gcp:secretmanager/secret:Secret", forceNew: ["replication", "secretId", "tags", "project"], uniqueName: "secretId", source: `${TF_GOOGLE}/secretmanager/resource_secret_manager_secret.go` },
    { type: "gcp:secretmanager/secretVersion:SecretVersion", forceNew: ["secretData", "secretDataWoVersion", "secret", "isSecretDataBase64"], source: `${TF_GOOGLE}/secretmanager/resource_secret_manager_secret_version.go` },
    { type: "gcp:secretmanager/secretIamMember:SecretIamMember", forceNew: ["secretId", "project", ...IAM_MEMBER], source: `${TF_GOOGLE}/secretmanager/iam_secret_manager_secret.go` },
    { type: "gcp:logging/projectBucketConfig:ProjectBucketConfig", forceNew: ["project", "location", "bucketId"], uniqueName: "bucketId", source: `${TF_GOOGLE}/logging/resource_logging_project_bucket_config.go` },
    { type: "gcp:logging/projectSink:ProjectSink", forceNew: ["name", "project"], uniqueName: "name", source: `${TF_GOOGLE}/logging/resource_logging_sink.go, resource_logging_project_sink.go` },
    { type: "gcp:logging/projectExclusion:ProjectExclusion", forceNew: ["name", "project"], uniqueName: "name", source: `${TF_GOOGLE}/logging/resource_logging_exclusion.go, logging_exclusion_project.go` },
    { type: "gcp:serviceaccount/account:Account", forceNew: ["accountId", "project"], uniqueName: "accountId", source: `${TF_GOOGLE}/resourcemanager/resource_google_service_account.go` },
    { type: "gcp:serviceaccount/iAMMember:IAMMember", forceNew: ["serviceAccountId", ...IAM_MEMBER], source: `${TF_GOOGLE}/resourcemanager/iam_service_account.go` },
    { type: "gcp:projects/iAMMember:IAMMember", forceNew: ["project", ...IAM_MEMBER], source: `${TF_GOOGLE}/resourcemanager/iam_project.go` },
    { type: "gcp:projects/service:Service", forceNew: ["service", "project"], source: `${TF_GOOGLE}/resourcemanager/resource_google_project_service.go` },
    { type: "gcp:projects/serviceIdentity:ServiceIdentity", forceNew: ["service", "project"], source: `${TF_GOOGLE}/resourcemanager/resource_project_service_identity.go` },
    { type: "gcp:sql/databaseInstance:DatabaseInstance", forceNew: ["name", "region", "project", "masterInstanceName", "encryptionKeyName", "replicaConfiguration", "settings.ipConfiguration.allocatedIpRange"], uniqueName: "name", source: `${TF_GOOGLE}/sql/resource_sql_database_instance.go` },
    { type: "gcp:sql/database:Database", forceNew: ["name", "instance", "project"], uniqueName: "name", source: `${TF_GOOGLE}/sql/resource_sql_database.go` },
    { type: "gcp:sql/user:User", forceNew: ["name", "instance", "host", "type", "project"], uniqueName: "name", source: `${TF_GOOGLE}/sql/resource_sql_user.go` },
    { type: "gcp:pubsub/topic:Topic", forceNew: ["name", "tags", "project"], uniqueName: "name", source: `${TF_GOOGLE}/pubsub/resource_pubsub_topic.go` },
    // Bucket names are global and a deleted bucket's name is free again at once: a renamed bucket is a new, empty one.
    { type: "gcp:storage/bucket:Bucket", forceNew: ["name", "location", "project"], uniqueName: "name", source: `${TF_GOOGLE}/storage/resource_storage_bucket.go` },
    { type: "gcp:storage/bucketIAMMember:BucketIAMMember", forceNew: ["bucket", ...IAM_MEMBER], source: `${TF_GOOGLE}/storage/iam_storage_bucket.go` },
    { type: "gcp:pubsub/topicIAMMember:TopicIAMMember", forceNew: ["topic", "project", ...IAM_MEMBER], source: `${TF_GOOGLE}/pubsub/iam_pubsub_topic.go` },
];

export function replaceRuleFor(type: string): ReplaceRule | undefined {
    return REPLACE_TABLE.find((rule) => rule.type.endsWith("*") ? type.startsWith(rule.type.slice(0, -1)) : rule.type === type);
}

/**
 * Resources that answer requests: replacing one moves or interrupts traffic (a new address,
 * certificate or target group, pods re-registered), even when nothing fails.
 */
export const TRAFFIC_SERVING = new Set([
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:lb/listener:Listener",
    "aws:lb/listenerRule:ListenerRule",
    "aws:lb/targetGroup:TargetGroup",
    "aws:acm/certificate:Certificate",
    "aws:route53/record:Record",
    "aws:wafv2/webAcl:WebAcl",
    "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding",
    "kubernetes:core/v1:Service",
    "kubernetes:apps/v1:Deployment",
    "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    "gcp:compute/globalAddress:GlobalAddress",
    "gcp:compute/securityPolicy:SecurityPolicy",
    "gcp:certificatemanager/certificate:Certificate",
    "gcp:certificatemanager/certificateMap:CertificateMap",
    "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry",
]);

/** Resources that hold the agents' sessions: replacing or deleting one loses the conversations in it. */
export const SESSION_DATA = new Set([
    "aws:rds/instance:Instance",
    "gcp:sql/databaseInstance:DatabaseInstance",
    "gcp:sql/database:Database",
]);
