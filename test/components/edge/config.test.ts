import * as assert from "node:assert/strict";
import { AWS_LOAD_BALANCER, awsStack, configProblems, gcpStack, IMAGE, oneAgent as agent } from "../../fixtures";
import { registrations, runProgram } from "../../../tools/mockRuntime";

const lb = (fields: Record<string, unknown>) => ({ loadBalancer: { ...AWS_LOAD_BALANCER, ...fields } });
const network = (fields: Record<string, unknown>) => lb({ aws: { ...AWS_LOAD_BALANCER.aws, ...fields } });

const BAD: [string, Record<string, unknown>, string][] = [
    ["typo in a load balancer key", awsStack(lb({ domian: "x.example.com" })), `adk-platform:loadBalancer.domian: unknown key (did you mean "domain"?)`],
    ["no domain", awsStack({ loadBalancer: { aws: AWS_LOAD_BALANCER.aws } }), "adk-platform:loadBalancer.domain: is required"],
    ["domain with a scheme", awsStack(lb({ domain: "https://agents.example.com" })), "adk-platform:loadBalancer.domain: must be a lowercase DNS name"],
    ["aws stack without network", awsStack({ loadBalancer: { domain: "agents.example.com" } }), "adk-platform:loadBalancer.aws: is required when cloud is aws"],
    ["one subnet", awsStack(network({ publicSubnetIds: ["subnet-0a1b2c3d4e5f60001"] })), "adk-platform:loadBalancer.aws.publicSubnetIds: must list at least two public subnets"],
    ["duplicate subnet", awsStack(network({ publicSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60001"] })), `adk-platform:loadBalancer.aws.publicSubnetIds[1]: duplicate subnet "subnet-0a1b2c3d4e5f60001"`],
    ["no certificate nor zone", awsStack(network({ hostedZoneId: undefined })), "adk-platform:loadBalancer.aws.certificateArn: is required unless loadBalancer.aws.hostedZoneId"],
    ["bad certificate ARN", awsStack(network({ certificateArn: "arn:aws:iam::1:server-certificate/x" })), "adk-platform:loadBalancer.aws.certificateArn: must be an ACM certificate ARN"],
    ["alias without zone", awsStack(network({ hostedZoneId: undefined, certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/6f1c2a4e", aliasRecords: true })), "adk-platform:loadBalancer.aws.aliasRecords: needs loadBalancer.aws.hostedZoneId"],
    ["TLS 1.2-only policy", awsStack(network({ sslPolicy: "ELBSecurityPolicy-TLS-1-2-2019-07" })), `adk-platform:loadBalancer.aws.sslPolicy: must be a TLS 1.3 ELB security policy (ELBSecurityPolicy-TLS13-...), got "ELBSecurityPolicy-TLS-1-2-2019-07"`],
    ["bad CIDR", awsStack(lb({ ingressCidrs: ["10.0.0.0/33"] })), `adk-platform:loadBalancer.ingressCidrs[0]: must be a CIDR block such as 203.0.113.0/24, got "10.0.0.0/33"`],
    ["idle timeout too long", awsStack(lb({ idleTimeoutSeconds: 5000 })), "adk-platform:loadBalancer.idleTimeoutSeconds: must be between 1 and 4000, got 5000"],
    ["client CIDRs on GCP without Cloud Armor", gcpStack({ loadBalancer: { domain: "a.example.com", ingressCidrs: ["203.0.113.0/24"] } }), "adk-platform:loadBalancer.ingressCidrs: is enforced by Cloud Armor on gcp: set loadBalancer.waf to true"],
    ["unknown SSL profile", gcpStack({ loadBalancer: { domain: "a.example.com", gcp: { sslProfile: "COMPATIBLE" } } }), `adk-platform:loadBalancer.gcp.sslProfile: must be one of MODERN, RESTRICTED, got "COMPATIBLE"`],
    ["canary without a canary image", awsStack(agent({ strategy: "canary" })), `adk-platform:agents[0].canary.image: is required for strategy "canary"`],
    ["weight outside 0-100", awsStack(agent({ canary: { tag: "2", weight: 101 } })), "adk-platform:agents[0].canary.weight: must be between 0 and 100, got 101"],
    ["A/B test without a header", awsStack(agent({ strategy: "ab-testing", canary: { tag: "2" } })), `adk-platform:agents[0].canary.header: is required for strategy "ab-testing"`],
    ["header rule without a header name", awsStack(agent({ strategy: "ab-testing", canary: { tag: "2", header: { value: "b" } } })), "adk-platform:agents[0].canary.header.name: is required"],
    ["header name with a space", awsStack(agent({ strategy: "ab-testing", canary: { tag: "2", header: { name: "x variant", value: "b" } } })), "adk-platform:agents[0].canary.header.name: must be an HTTP header name"],
    ["wildcard header value", awsStack(agent({ strategy: "ab-testing", canary: { tag: "2", header: { name: "x-v", value: "b*" } } })), "adk-platform:agents[0].canary.header.value: must not contain '*' or '?'"],
    ["weight on an A/B test", awsStack(agent({ strategy: "ab-testing", canary: { tag: "2", weight: 5, header: { name: "x-v", value: "b" } } })), `adk-platform:agents[0].canary.weight: only applies to strategy "canary"; strategy is "ab-testing"`],
    ["header on a canary", awsStack(agent({ canary: { tag: "2", header: { name: "x-v", value: "b" } } })), `adk-platform:agents[0].canary.header: only applies to strategies "ab-testing" and "blue-green"`],
    ["colour on a canary", awsStack(agent({ canary: { tag: "2", active: "green" } })), `adk-platform:agents[0].canary.active: only applies to strategy "blue-green"`],
    ["unknown colour", awsStack(agent({ strategy: "blue-green", canary: { tag: "2", active: "red" } })), `adk-platform:agents[0].canary.active: must be blue or green, got "red"`],
    ["two agents on one explicit rule slot", awsStack({ agents: [{ name: "a", image: IMAGE, priority: 7 }, { name: "b", image: IMAGE, priority: 7 }] }), "adk-platform:agents[1].priority: listener rule slot 7 (set by priority) is also taken by agents[0]; set agents[1].priority or agents[0].priority to a free slot between 1 and 25000"],
    ["a rule slot out of range", awsStack(agent({ priority: 25001 })), "adk-platform:agents[0].priority: must be between 1 and 25000, got 25001"],
    ["a rule slot on GCP", gcpStack(agent({ priority: 7 })), "adk-platform:agents[0].priority: only applies on aws (the order of ALB listener rules); HTTPRoutes have no priority"],
];

describe("loadBalancer and rollout configuration", () => {
    for (const [title, config, line] of BAD) {
        it(`rejects: ${title}`, async () => {
            const lines = await configProblems(config);
            assert.ok(lines.some((l) => l.startsWith(line)), `expected a line starting with\n  ${line}\ngot\n  ${lines.join("\n  ")}`);
        });
    }

    it("refuses two agents whose names hash to the same rule slot, naming both and the way out, before any resource", async () => {
        // "agent-258" and "agent-263" share slot 21622 (sha256 of the name, modulo 25000, plus 1).
        const problems = await configProblems(awsStack({ agents: [{ name: "agent-258", image: IMAGE }, { name: "agent-263", image: IMAGE }] }));
        assert.deepEqual(problems, ["adk-platform:agents[1].priority: listener rule slot 21622 (hashed from its name) is also taken by agents[0]; set agents[1].priority or agents[0].priority to a free slot between 1 and 25000"]);
        assert.deepEqual(registrations(), []);
    });

    it("accepts a GCP stack without any AWS settings", async () => {
        await runProgram({ config: gcpStack() });
    });
});
