// Answers an AWS account would give, for the AWS resources and data sources the program uses.
import { ACCOUNT, registerInvoke } from "./registry";

registerInvoke("aws:index/getCallerIdentity:getCallerIdentity", () => ({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: "AIDAEXAMPLE" }));
registerInvoke("aws:index/getPartition:getPartition", () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }));
registerInvoke("aws:index/getRegion:getRegion", (_inputs, region) => ({ name: region, region, id: region }));
