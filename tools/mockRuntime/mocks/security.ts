// Answers for the lookups of the security concern.
import { ACCOUNT, registerComputed, registerInvoke } from "./registry";

// Subnets of the fixtures' VPC: a /24 per subnet, numbered from the id's last hex digit.
registerInvoke("aws:ec2/getSubnet:getSubnet", (inputs) => ({
    id: inputs.id,
    cidrBlock: `10.0.${parseInt(String(inputs.id).slice(-1), 16)}.0/24`,
}));

// A service agent, as its email; the project number is the account the mocks answer with
// (gcp:organizations/getProject). Cloud SQL's agent is the one whose domain does not follow its API's name:
// service-PROJECT_NUMBER@gcp-sa-cloud-sql (https://cloud.google.com/sql/docs/postgres/configure-cmek).
const SERVICE_AGENT_DOMAINS: Record<string, string> = { "sqladmin.googleapis.com": "gcp-sa-cloud-sql" };
registerComputed("gcp:projects/serviceIdentity:ServiceIdentity", (_name, inputs) => ({
    email: `service-${ACCOUNT}@${SERVICE_AGENT_DOMAINS[inputs.service] ?? `gcp-sa-${String(inputs.service).split(".")[0]}`}.iam.gserviceaccount.com`,
}));
