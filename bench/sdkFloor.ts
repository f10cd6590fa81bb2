// The Pulumi SDK's own cost of registering what a plan registers, the floor under the plan's cost
// per agent: `node tools/launch.js bench/sdkFloor.ts <stack> <agents> <runs>` plans the stack with
// <agents> agents (bench/scale.ts), then registers the same resources (type, name, parent, the
// recorded inputs as plain values) through @pulumi/pulumi's own mock monitor
// (`pulumi.runtime.setMocks`: none of tools/mockRuntime's recording, naming or policies, none of
// the program's components or outputs), once as a preview and once as an update like the plan,
// warm, and prints {resources, ms (median), rssMiB (peak)} as JSON. `pulumi up` does the same work
// per resource in the SDK (prepareResource, serializing to protobuf, its promises and stacks), with
// gRPC instead of the mock monitor.
import * as pulumi from "@pulumi/pulumi";
import { performance } from "node:perf_hooks";
import type { RecordedResource } from "../tools/mockRuntime";
import { plan } from "../tools/plan";
import { median } from "./stats";
import { withAgents } from "./scale";

// Internal to the SDK (as tools/mockRuntime uses it): resolves once every pending registration has finished.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
};

// The SDK's classes are abstract in its typings; the program's resources are subclasses like these.
class Custom extends pulumi.CustomResource {}
class Component extends pulumi.ComponentResource {}

async function register(resources: RecordedResource[], preview: boolean): Promise<void> {
    await pulumi.runtime.setMocks(mocks, "bench", "floor", preview);
    const created = new Map<string, pulumi.Resource>();
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        const parent = r.parent === null ? undefined : created.get(r.parent);
        const resource = r.custom
            ? new Custom(r.type, r.name, r.inputs, { parent })
            : new Component(r.type, r.name, {}, { parent });
        created.set(r.urn, resource);
    }
    await waitForRPCs();
}

async function evaluate(resources: RecordedResource[]): Promise<number> {
    const start = performance.now();
    await register(resources, true);
    await register(resources, false);
    return performance.now() - start;
}

async function main(): Promise<void> {
    const [stack, count, runs] = process.argv.slice(2);
    // As the plan command does: the SDK's per-promise stacks are not what is measured.
    Error.stackTraceLimit = 0;
    const { run } = await plan(stack, withAgents(stack, Number(count)));
    await evaluate(run.resources);
    const samples: number[] = [];
    for (let i = 0; i < Number(runs); i++) samples.push(await evaluate(run.resources));
    console.log(JSON.stringify({ resources: run.resources.length, ms: median(samples), rssMiB: process.resourceUsage().maxRSS / 1024 }));
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
