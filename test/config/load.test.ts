import * as assert from "node:assert/strict";
import { awsStack, configProblems, gcpStack, IMAGE, oneAgent as agent } from "../fixtures";
import { runProgram, SECRET } from "../../tools/mockRuntime";


// Each case: a bad stack, and the one line that must name the full key and the problem.
const BAD: [string, Record<string, unknown>, string][] = [
    ["missing cloud", awsStack({ cloud: undefined }), "adk-platform:cloud: is required (aws or gcp)"],
    ["unknown cloud", awsStack({ cloud: "azure" }), `adk-platform:cloud: must be one of aws, gcp, got "azure"`],
    ["unknown environment", awsStack({ environment: "production" }), `adk-platform:environment: must be one of dev, staging, prod, got "production"`],
    ["missing agents", awsStack({ agents: undefined }), "adk-platform:agents: is required"],
    ["empty agent list", awsStack({ agents: [] }), "adk-platform:agents: must list at least one agent"],
    ["agents not a list", awsStack({ agents: { name: "x" } }), "adk-platform:agents: must be a list of agents"],
    ["agent name with capitals", awsStack({ agents: [{ name: "Research", image: IMAGE }] }), `adk-platform:agents[0].name: must be a DNS label (lowercase letters, digits and '-', starting with a letter), got "Research"`],
    ["agent name with underscore", awsStack({ agents: [{ name: "research_agent", image: IMAGE }] }), `adk-platform:agents[0].name: must be a DNS label`],
    ["agent name too long", awsStack({ agents: [{ name: "a".repeat(41), image: IMAGE }] }), "adk-platform:agents[0].name: must be at most 40 characters, got 41"],
    ["duplicate agent names", awsStack({ agents: [{ name: "a", image: IMAGE }, { name: "a", image: IMAGE }] }), `adk-platform:agents[1].name: duplicate agent name "a" (also agents[0])`],
    ["agent without image", awsStack({ agents: [{ name: "a" }] }), "adk-platform:agents[0].image: is required"],
    ["image without tag or digest", awsStack(agent({ image: "ghcr.io/acme/research" })), "adk-platform:agents[0].image: must carry a tag or a digest"],
    ["image that is not a reference", awsStack(agent({ image: "ghcr.io/acme/Research Agent:1" })), "adk-platform:agents[0].image: is not a valid image reference"],
    ["latest in prod", awsStack({ environment: "prod", ...agent({ image: "ghcr.io/acme/research:latest" }) }), `adk-platform:agents[0].image: must not use the moving "latest" tag: pin a version or a digest, got "ghcr.io/acme/research:latest"`],
    ["latest in dev too", awsStack(agent({ image: "ghcr.io/acme/research:latest" })), `adk-platform:agents[0].image: must not use the moving "latest" tag`],
    ["collector image on latest", awsStack({ monitoring: { tracing: { enabled: true, collectorImage: "otel/opentelemetry-collector-contrib:latest" } } }), `adk-platform:monitoring.tracing.collectorImage: must not use the moving "latest" tag`],
    ["untagged log shipper image", awsStack({ monitoring: { logging: { fluentBitImage: "fluent/fluent-bit" } } }), "adk-platform:monitoring.logging.fluentBitImage: must carry a tag or a digest"],
    ["canary tag latest", awsStack(agent({ canary: { tag: "latest" } })), `adk-platform:agents[0].canary.tag: must not be the moving "latest" tag: pin a version`],
    ["canary image on latest", awsStack(agent({ canary: { image: "ghcr.io/acme/research:latest" } })), `adk-platform:agents[0].canary.image: must not use the moving "latest" tag`],
    ["header name the load balancer drops", awsStack(agent({ strategy: "ab-testing", canary: { tag: "2", header: { name: "x_variant", value: "b" } } })), `adk-platform:agents[0].canary.header.name: must be an HTTP header name of at most 40 letters, digits and '-' (the load balancer drops other names), got "x_variant"`],
    ["negative cpu as a number", awsStack(agent({ resources: { cpuLimit: -1 } })), `adk-platform:agents[0].resources.cpuLimit: is not a CPU quantity Kubernetes accepts (for example 500m or 1), got "-1"`],
    ["cpu 500mm", awsStack(agent({ resources: { cpuRequest: "500mm" } })), `adk-platform:agents[0].resources.cpuRequest: is not a CPU quantity Kubernetes accepts (for example 500m or 1), got "500mm"`],
    ["memory 1GB", awsStack(agent({ resources: { memoryLimit: "1GB" } })), `adk-platform:agents[0].resources.memoryLimit: is not a memory quantity Kubernetes accepts (for example 512Mi or 1Gi), got "1GB"`],
    ["cpu request above limit", awsStack(agent({ resources: { cpuRequest: "2", cpuLimit: "500m" } })), "adk-platform:agents[0].resources.cpuRequest: must not exceed cpuLimit (500m), got 2"],
    ["memory request above limit", awsStack(agent({ resources: { memoryRequest: "2Gi", memoryLimit: "1Gi" } })), "adk-platform:agents[0].resources.memoryRequest: must not exceed memoryLimit (1Gi), got 2Gi"],
    ["port as text", awsStack(agent({ port: "http" })), `adk-platform:agents[0].port: must be a number, got "http"`],
    ["privileged port", awsStack(agent({ port: 80 })), "adk-platform:agents[0].port: must be between 1024 and 65535, got 80"],
    ["replicas above agent maxReplicas", awsStack(agent({ replicas: 5, maxReplicas: 3 })), "adk-platform:agents[0].replicas: must not exceed maxReplicas (3), got 5"],
    ["stack replicas above preset maxReplicas", awsStack({ replicas: 4 }), "adk-platform:replicas: must not exceed maxReplicas (3), got 4"],
    ["fractional replicas", awsStack({ replicas: "1.5" }), "adk-platform:replicas: must be a whole number, got 1.5"],
    ["canary weight above 100", awsStack(agent({ canary: { tag: "1.5.0", weight: 120 } })), "adk-platform:agents[0].canary.weight: must be between 0 and 100, got 120"],
    ["canary weight below 0", awsStack(agent({ canary: { tag: "1.5.0", weight: -5 } })), "adk-platform:agents[0].canary.weight: must be between 0 and 100, got -5"],
    ["canary strategy without canary image", awsStack(agent({ strategy: "canary" })), `adk-platform:agents[0].canary.image: is required for strategy "canary" (set canary.image or canary.tag)`],
    ["canary image and tag together", awsStack(agent({ canary: { image: IMAGE, tag: "2" } })), "adk-platform:agents[0].canary.tag: set canary.image or canary.tag, not both"],
    ["canary settings with rolling strategy", awsStack(agent({ strategy: "rolling", canary: { tag: "2" } })), `adk-platform:agents[0].canary: only applies to the canary, blue-green and ab-testing strategies; strategy is "rolling"`],
    ["unknown strategy", awsStack(agent({ strategy: "recreate" })), `adk-platform:agents[0].strategy: must be one of rolling, canary, blue-green, ab-testing, got "recreate"`],
    ["typo in an agent key", awsStack(agent({ replcas: 2 })), `adk-platform:agents[0].replcas: unknown key (did you mean "replicas"?)`],
    ["typo in a top-level key", awsStack({ enviroment: "dev" }), `adk-platform:enviroment: unknown key (did you mean "environment"?)`],
    ["typo in a nested key", awsStack(agent({ resources: { cpuLimt: "1" } })), `adk-platform:agents[0].resources.cpuLimt: unknown key (did you mean "cpuLimit"?)`],
    ["bad namespace", awsStack({ namespace: "ADK" }), "adk-platform:namespace: must be a DNS label"],
    ["boolean that is not one", awsStack({ protect: "maybe" }), `adk-platform:protect: must be true or false, got "maybe"`],
    ["health path without slash", awsStack(agent({ healthPath: "health" })), `adk-platform:agents[0].healthPath: must be an absolute HTTP path such as /health, got "health"`],
    ["env name with a dash", awsStack(agent({ env: { "LOG-LEVEL": "debug" } })), `adk-platform:agents[0].env.LOG-LEVEL: is not a valid environment variable name, got "LOG-LEVEL"`],
    ["secrets for an unknown agent", awsStack({ agentSecrets: { ghost: { KEY: "x" } } }), `adk-platform:agentSecrets.ghost: no agent is named "ghost"`],
    ["rollout that cannot progress", awsStack({ environment: "prod", maxSurge: 0 }), "adk-platform:maxSurge: must be at least 1 when maxUnavailable is 0, or a rollout can never progress"],
    ["aws stack without region", awsStack({ "aws:region": undefined }), "aws:region: is required when adk-platform:cloud is aws"],
    ["gcp stack without project", gcpStack({ "gcp:project": undefined }), "gcp:project: is required when adk-platform:cloud is gcp"],
];

describe("stack configuration", () => {
    describe("rejects bad input with one line per problem, naming the full key", () => {
        for (const [title, config, line] of BAD) {
            it(title, async () => {
                const lines = await configProblems(config);
                assert.ok(lines.some((l) => l.startsWith(line)), `expected a line starting with\n  ${line}\ngot\n  ${lines.join("\n  ")}`);
            });
        }
    });

    it("reports every problem at once, across keys and agents", async () => {
        const lines = await configProblems(awsStack({
            cloud: "azure",
            replicsa: 2,
            agents: [
                { name: "Bad_Name", image: "x", canary: { weight: 120 } },
                { name: "ok", image: IMAGE, resources: { cpuRequest: "500mm" } },
                { name: "ok", image: IMAGE },
            ],
        }));
        assert.deepEqual(lines.map((l) => l.split(":").slice(0, 2).join(":")).sort(), [
            "adk-platform:agents[0].canary.weight",
            "adk-platform:agents[0].image",
            "adk-platform:agents[0].name",
            "adk-platform:agents[1].resources.cpuRequest",
            "adk-platform:agents[2].name",
            "adk-platform:cloud",
            "adk-platform:replicsa",
        ].sort());
    });

    it("never echoes a secret value, even a malformed one", async () => {
        const lines = await configProblems(awsStack({ agentSecrets: { "research-agent": { API_KEY: 12345678 } } }), { secretKeys: ["agentSecrets"] });
        assert.ok(lines.some((l) => l.startsWith("adk-platform:agentSecrets.research-agent.API_KEY:")), lines.join("\n"));
        assert.ok(!lines.join("\n").includes("12345678"));
    });

    it("reads top-level numbers and booleans given as text, as the Pulumi CLI passes them", async () => {
        const run = await runProgram({ config: awsStack({ replicas: "2", maxReplicas: "4", topologySpread: "true" }) });
        const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "research-agent-stable")!;
        assert.equal(deployment.inputs.spec.replicas, 2);
        assert.equal(deployment.inputs.spec.template.spec.topologySpreadConstraints.length, 2);
    });

    it("accepts CPU and memory quantities written as YAML numbers, as Kubernetes does", async () => {
        const run = await runProgram({ config: awsStack(agent({ resources: { cpuRequest: 0.5, cpuLimit: 2, memoryRequest: 536870912, memoryLimit: "1Gi" } })) });
        const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "research-agent-stable")!;
        assert.deepEqual(deployment.inputs.spec.template.spec.containers[0].resources, { requests: { cpu: "0.5", memory: "536870912" }, limits: { cpu: "2", memory: "1Gi" } });
    });

    it("accepts an image pinned by digest only", async () => {
        const image = `ghcr.io/acme/research@sha256:${"a".repeat(64)}`;
        const run = await runProgram({ config: awsStack({ environment: "prod", agents: [{ name: "research-agent", image }] }) });
        const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "research-agent-stable")!;
        assert.equal(deployment.inputs.spec.template.spec.containers[0].image, image);
        assert.equal(deployment.inputs.metadata.labels.version, "a".repeat(12));
    });

    it("keeps a structured secret secret in the program (\"[secret]\" in every recorded input)", async () => {
        const run = await runProgram({ config: awsStack({ agentSecrets: { "research-agent": { API_KEY: "hunter2" } } }), secretKeys: ["agentSecrets"] });
        assert.ok(!JSON.stringify(run).includes("hunter2"));
        const secret = run.resources.find((r) => r.type === "kubernetes:core/v1:Secret")!;
        assert.deepEqual(secret.inputs.stringData, { API_KEY: SECRET });
    });
});
