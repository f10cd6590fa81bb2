// Type tokens of the resources the program creates that the plan's tools and the tests pick out by
// type: declared once, so that a provider's renamed type is changed in one place.

export const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
export const SERVICE = "kubernetes:core/v1:Service";
export const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
export const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
export const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
export const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

export const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
export const LISTENER = "aws:lb/listener:Listener";
export const RULE = "aws:lb/listenerRule:ListenerRule";
export const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
export const BINDING = "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding";

export const ADDRESS = "gcp:compute/globalAddress:GlobalAddress";
export const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
export const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
export const CERTIFICATE = "gcp:certificatemanager/certificate:Certificate";
export const MAP_ENTRY = "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry";
export const DNS_AUTHORIZATION = "gcp:certificatemanager/dnsAuthorization:DnsAuthorization";
