// An ACM certificate validated through DNS records in a Route 53 zone that Pulumi writes itself,
// so that the HTTPS listener only ever sees an issued certificate.
import * as aws from "../../sdk/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ValidatedCertificateArgs {
    /** First name is the certificate's subject; the rest are alternative names. */
    domains: string[];
    hostedZoneId: pulumi.Input<string>;
}

export class ValidatedCertificate extends pulumi.ComponentResource {
    public readonly certificate: aws.acm.Certificate;
    /** ARN of the certificate once ACM has issued it. */
    public readonly arn: pulumi.Output<string>;

    constructor(name: string, args: ValidatedCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("adk:aws:ValidatedCertificate", name, {}, opts);
        const [domainName, ...alternativeNames] = args.domains;

        this.certificate = new aws.acm.Certificate(name, {
            domainName,
            subjectAlternativeNames: alternativeNames,
            validationMethod: "DNS",
            keyAlgorithm: "EC_prime256v1",
        }, { parent: this });

        // A wildcard validates through the same record as its base name, so names that differ
        // only by "*." get one record.
        const names = [...new Set(args.domains.map((d) => d.replace(/^\*\./, "")))];
        const records = names.map((domain) => {
            const option = this.certificate.domainValidationOptions.apply((options) => {
                const found = options.find((o) => o.domainName === domain);
                if (found === undefined) throw new Error(`ACM returned no validation record for ${domain}`);
                return found;
            });
            return new aws.route53.Record(`${name}-validation-${domain}`, {
                zoneId: args.hostedZoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
                allowOverwrite: true,
            }, { parent: this });
        });

        const validation = new aws.acm.CertificateValidation(`${name}-validation`, {
            certificateArn: this.certificate.arn,
            validationRecordFqdns: records.map((r) => r.fqdn),
        }, { parent: this });

        this.arn = validation.certificateArn;
        this.registerOutputs({ arn: this.arn });
    }
}
