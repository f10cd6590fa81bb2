// Answers for the lookups of the security concern.
import { registerComputed, registerInvoke } from "./registry";

// Subnets of the fixtures' VPC: a /24 per subnet, numbered from the id's last hex digit.
registerInvoke("aws:ec2/getSubnet:getSubnet", (inputs) => ({
    id: inputs.id,
    cidrBlock: `10.0.${parseInt(String(inputs.id).slice(-1), 16)}.0/24`,
}));

// The Secret Manager service agent, as its email.
// Cloud SQL's agent is the one whose domain does not follow its API's name.
const SERVICE_AGENT_DOMAINS: Record<string, string> = { "sqladmin.googleapis.com": "gcp-sa-cloud-sql" };
registerComputed("gcp:projects/serviceIdentity:ServiceIdentity", (_name, inputs) => ({
    email: `service-123456789012@${SERVICE_AGENT_DOMAINS[inputs.service] ?? `gcp-sa-${String(inputs.service).split(".")[0]}`}.iam.gserviceaccount.com`,
}));
