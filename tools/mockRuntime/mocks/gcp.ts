// Answers a Google Cloud project would give, for the load balancer concern's resources.
import { ACCOUNT, registerComputed, registerInvoke } from "./registry";

registerComputed("gcp:compute/globalAddress:GlobalAddress", () => ({ address: "34.117.42.7" }));
// Certificate Manager answers a PER_PROJECT_RECORD authorization with a CNAME under a
// project-specific label, pointing into authorize.certificatemanager.goog.
registerComputed("gcp:certificatemanager/dnsAuthorization:DnsAuthorization", (_name, inputs) => ({
    dnsResourceRecords: [{
        name: `_acme-challenge_k3x9q2.${inputs.domain}.`,
        type: "CNAME",
        data: `${inputs.domain.split(".")[0]}-5e1f.9.authorize.certificatemanager.goog.`,
    }],
}));
registerComputed("gcp:serviceaccount/account:Account", (_name, inputs) => ({
    email: `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
    name: `projects/${inputs.project}/serviceAccounts/${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
}));
// The project, as Resource Manager describes it: the number names the GKE workload identity pool's principals.
registerInvoke("gcp:organizations/getProject:getProject", (inputs) => ({ projectId: inputs.projectId, number: ACCOUNT, name: inputs.projectId, id: `projects/${inputs.projectId}` }));
