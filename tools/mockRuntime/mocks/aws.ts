// Answers an AWS account would give, for the AWS resources and data sources the program uses.
import { ACCOUNT, registerComputed, registerInvoke } from "./registry";

registerInvoke("aws:index/getCallerIdentity:getCallerIdentity", () => ({ accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/ci`, userId: "AIDAEXAMPLE" }));
registerInvoke("aws:index/getPartition:getPartition", () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }));
registerInvoke("aws:index/getRegion:getRegion", (_inputs, region) => ({ name: region, region, id: region }));

// Load balancer concern: what ELB, ACM, Route 53 and EC2 compute or answer.
registerComputed("aws:lb/loadBalancer:LoadBalancer", (name, _inputs, region) => ({
    dnsName: `${name}-1234567890.${region}.elb.amazonaws.com`,
    zoneId: "Z32O12XQLNTSW2",
    arnSuffix: `app/${name}/50dc6c495c0c9188`,
}));
registerComputed("aws:lb/targetGroup:TargetGroup", (name) => ({ arnSuffix: `targetgroup/${name}/73e2d6bc24d8a067` }));
registerComputed("aws:acm/certificate:Certificate", (_name, inputs) => ({
    domainValidationOptions: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])].map((domainName: string) => ({
        domainName,
        resourceRecordName: `_a79865eb4cd1a6ab990a45779b4e0b96.${domainName.replace(/^\*\./, "")}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: "_424c7224e9b0146f9a8808af955727d0.acm-validations.aws.",
    })),
}));
registerComputed("aws:acm/certificateValidation:CertificateValidation", (_name, inputs) => ({ certificateArn: inputs.certificateArn }));
registerComputed("aws:route53/record:Record", (_name, inputs) => ({ fqdn: String(inputs.name).replace(/\.$/, "") }));
registerInvoke("aws:ec2/getVpc:getVpc", (inputs) => ({ id: inputs.id, cidrBlock: "10.0.0.0/16" }));
// The ELB account of the regions opened before August 2022 (eu-west-1's, whatever the region here).
registerInvoke("aws:elb/getServiceAccount:getServiceAccount", () => ({ id: "156460612806", arn: "arn:aws:iam::156460612806:root" }));
