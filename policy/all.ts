// Every policy of the pack, for the pack itself, the offline plan and the tests (which must not
// construct the PolicyPack: its constructor starts the policy server).
import { bucketNoPublicGrant, bucketsPrivateEncrypted } from "./data/buckets";
import { classificationTags } from "./data/classification";
import { kmsRotation } from "./data/kmsRotation";
import { logRetention } from "./data/logRetention";
import { secretEncryption } from "./data/secretEncryption";
import { secretRotation } from "./data/secretRotation";
import { defaultDenyNetworkPolicy } from "./kubernetes/defaultDenyNetworkPolicy";
import { imagePinned } from "./kubernetes/imagePinned";
import { modelKeysNotInClear } from "./kubernetes/modelKeys";
import { namespaceRestricted } from "./kubernetes/namespaceRestricted";
import { podSecurityRestricted } from "./kubernetes/podSecurity";
import { probesSet } from "./kubernetes/probes";
import { rbacLeastPrivilege } from "./kubernetes/rbacLeastPrivilege";
import { readOnlyRootFilesystem } from "./kubernetes/readOnlyRootFilesystem";
import { resourcesSet } from "./kubernetes/resources";
import { serviceAccountTokenOff } from "./kubernetes/serviceAccountToken";
import type { AdkPolicy } from "./lib";
import { authenticatedInProd } from "./network/authenticatedInProd";
import { deletionProtection } from "./network/deletionProtection";
import { httpRedirectOnly } from "./network/httpRedirectOnly";
import { gatewayTlsPolicy, tlsMinimum } from "./network/tlsMinimum";
import { wafOnProd } from "./network/wafOnProd";

export const POLICIES: AdkPolicy[] = [
    podSecurityRestricted,
    readOnlyRootFilesystem,
    resourcesSet,
    probesSet,
    imagePinned,
    serviceAccountTokenOff,
    modelKeysNotInClear,
    namespaceRestricted,
    defaultDenyNetworkPolicy,
    rbacLeastPrivilege,
    httpRedirectOnly,
    tlsMinimum,
    gatewayTlsPolicy,
    wafOnProd,
    authenticatedInProd,
    deletionProtection,
    kmsRotation,
    secretRotation,
    secretEncryption,
    bucketsPrivateEncrypted,
    bucketNoPublicGrant,
    logRetention,
    classificationTags,
];
