import * as assert from "node:assert/strict";
import { awsStack, IMAGE, planFor, SMALL_RESOURCES } from "../../../fixtures";

describe("ValidatedCertificate (AWS)", () => {
    it("one record for a name and its wildcard, and the listener waits for validation", async () => {
        const resources = SMALL_RESOURCES;
        const plan = await planFor(awsStack({ agents: [{ name: "a", image: IMAGE, resources }, { name: "b", image: IMAGE, resources }] }));
        const records = plan.ofType("aws:route53/record:Record").filter((r) => r.name.startsWith("edge-cert-validation-"));
        assert.deepEqual(records.map((r) => r.inputs.name), ["_a79865eb4cd1a6ab990a45779b4e0b96.agents.example.com."]);
        const validation = plan.one("aws:acm/certificateValidation:CertificateValidation", "edge-cert-validation").inputs;
        assert.deepEqual(validation.validationRecordFqdns, ["_a79865eb4cd1a6ab990a45779b4e0b96.agents.example.com"]);
        assert.equal(validation.certificateArn, plan.one("aws:acm/certificate:Certificate", "edge-cert").state.arn);
    });
});
