// Answers for the lookups of the security concern.
import { registerComputed, registerInvoke } from "./registry";

// Subnets of the fixtures' VPC: a /24 per subnet, numbered from the id's last hex digit.
registerInvoke("aws:ec2/getSubnet:getSubnet", (inputs) => ({
    id: inputs.id,
    cidrBlock: `10.0.${parseInt(String(inputs.id).slice(-1), 16)}.0/24`,
}));

// The Secret Manager service agent, as its email.
registerComputed("gcp:projects/serviceIdentity:ServiceIdentity", (_name, inputs) => ({ email: `service-123456789012@gcp-sa-${String(inputs.service).split(".")[0]}.iam.gserviceaccount.com` }));
