// `pulumi preview --policy-pack policy`: the platform's security and compliance rules as a
// CrossGuard pack. The same policies run in the offline plan (tools/policies.ts).
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./all";

new PolicyPack("adk-platform-security", {
    policies: POLICIES,
    enforcementLevel: "mandatory",
    description: "Container hardening, isolation, encryption, rotation, audit retention and classification for the ADK agent platform (SOC 2, GDPR, HIPAA, PCI-DSS).",
});
