// Answers for the session stores: what RDS and Cloud SQL compute for an instance.
import { ACCOUNT, registerComputed } from "./registry";

registerComputed("aws:rds/instance:Instance", (name, inputs, region) => ({
    address: `${inputs.identifier ?? name}.c9akciq32.${region}.rds.amazonaws.com`,
    port: 5432,
    // manageMasterUserPassword: RDS creates the secret and names it rds!db-<uuid> (the AWS emulator
    // getmoto/moto@moto/rds/models.py `_generate_secret_name`; clusters' rds!cluster-… in
    // hashicorp/terraform-provider-aws#35929).
    masterUserSecrets: inputs.manageMasterUserPassword ? [{ secretArn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:rds!db-3f2a9c1e-AbCdEf`, secretStatus: "active", kmsKeyId: inputs.masterUserSecretKmsKeyId }] : [],
}));
registerComputed("gcp:sql/databaseInstance:DatabaseInstance", (name, inputs, region) => ({
    connectionName: `adk-prod-123:${inputs.region ?? region}:${inputs.name ?? name}`,
    privateIpAddress: "10.200.0.3",
}));
