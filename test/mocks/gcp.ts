// Answers a Google Cloud project would give, for the load balancer concern's resources.
import { registerComputed } from "./registry";

registerComputed("gcp:compute/globalAddress:GlobalAddress", () => ({ address: "34.117.42.7" }));
registerComputed("gcp:compute/managedSslCertificate:ManagedSslCertificate", () => ({ certificateId: 5550123 }));
registerComputed("gcp:serviceaccount/account:Account", (_name, inputs) => ({
    email: `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
    name: `projects/${inputs.project}/serviceAccounts/${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
}));
