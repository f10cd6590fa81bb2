// `npx tsx test/planSnapshot.ts <dir>`: writes what every stack file and a few fixture stacks plan
// (plan.json, manifests and rules of each stack; every record of each fixture run, preview and
// up) into <dir>, so that two trees of the program can be compared byte for byte with `diff -r`:
// a change that only moves code must leave every file identical.
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { plan, writePlan } from "../tools/plan";
import { stackNames } from "../tools/stackConfig";
import { AWS_SECURITY, awsStack, GCP_IMAGE, gcpStack, IMAGE as AWS_IMAGE, SMALL_RESOURCES } from "./fixtures";
import { runProgram } from "../tools/mockRuntime";

const tracks = (image: string) => [
    { name: "alpha", image, resources: SMALL_RESOURCES, strategy: "canary", canary: { tag: "2.0.0", weight: 10 } },
    { name: "beta", image, resources: SMALL_RESOURCES, strategy: "blue-green", canary: { tag: "2.0.0" } },
    { name: "gamma", image, resources: SMALL_RESOURCES, strategy: "ab-testing", canary: { tag: "2.0.0", header: { name: "x-variant", value: "b" } } },
    { name: "delta", image, resources: SMALL_RESOURCES },
];
const everything = {
    environment: "prod",
    agentSecrets: { alpha: { API_KEY: "k" }, delta: { OTHER_KEY: "v" } },
    monitoring: { tracing: { backend: "cloud" }, logging: { ship: true } },
};
const FIXTURES: Record<string, Record<string, unknown>> = {
    "aws-dev": awsStack(),
    "gcp-dev": gcpStack(),
    "aws-prod-all": awsStack({ ...everything, agents: tracks(AWS_IMAGE) }),
    "gcp-prod-all": gcpStack({ ...everything, agents: tracks(GCP_IMAGE) }),
    "aws-staging-k8s-secrets": awsStack({ environment: "staging", agents: tracks(AWS_IMAGE), agentSecrets: { alpha: { API_KEY: "k" } }, security: { ...AWS_SECURITY, secretDelivery: "kubernetes" }, monitoring: { logging: { ship: false } } }),
};

async function main(out: string): Promise<void> {
    for (const stack of stackNames()) writePlan(await plan(stack), path.join(out, "stacks", stack));
    for (const [name, config] of Object.entries(FIXTURES)) {
        mkdirSync(path.join(out, "fixtures"), { recursive: true });
        for (const preview of [true, false]) {
            const run = await runProgram({ stack: name, config, secretKeys: ["agentSecrets"], preview });
            writeFileSync(path.join(out, "fixtures", `${name}${preview ? ".preview" : ""}.json`), JSON.stringify(run, null, 2) + "\n");
        }
    }
}

main(process.argv[2] ?? "out/snapshot").catch((err) => {
    console.error(err);
    process.exit(1);
});
