// Minimal valid stacks that tests start from and change key by key.
import { Plan, runProgram, RunOptions } from "./harness";

export const IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/adk/research-agent:1.4.2";

export function awsStack(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        "aws:region": "eu-west-1",
        cloud: "aws",
        environment: "dev",
        agents: [{ name: "research-agent", image: IMAGE }],
        ...overrides,
    };
}

export function gcpStack(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        "gcp:project": "adk-prod-123",
        "gcp:region": "europe-west1",
        cloud: "gcp",
        environment: "dev",
        agents: [{ name: "research-agent", image: "europe-west1-docker.pkg.dev/adk-prod-123/agents/research-agent:1.4.2" }],
        ...overrides,
    };
}

/** Runs the program for a config and returns lookups over what it registered. */
export async function planFor(config: Record<string, unknown>, options: Omit<RunOptions, "config"> = {}): Promise<Plan> {
    return new Plan(await runProgram({ ...options, config }));
}
