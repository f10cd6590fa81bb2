// The Pulumi SDK's own cost of registering what a plan registers, the floor under the plan's cost
// per agent: `node tools/launch.js bench/sdkFloor.ts <stack> <agents> <runs>` plans the stack with
// <agents> agents (bench/scale.ts), then registers the same resources (type, name, parent, the
// recorded inputs as plain values) through @pulumi/pulumi's own mock monitor
// (`pulumi.runtime.setMocks`: none of tools/mockRuntime's recording, naming or policies, none of
// the program's components or outputs), once as a preview and once as an update like the plan,
// warm, and prints {resources, ms (median), rssMiB (peak)} as JSON. Each resource is built with its
// provider SDK's own class, which declares every output property of its type (the SDK makes an
// Output of each); component resources with a bare ComponentResource. `pulumi up` does the same
// work per resource in the SDK (prepareResource, serializing to protobuf, its promises and stacks),
// with gRPC instead of the mock monitor.
import * as pulumi from "@pulumi/pulumi";
import type { RecordedResource } from "../tools/mockRuntime";
import { runPoint } from "./scale";

// Internal to the SDK (as tools/mockRuntime uses it): resolves once every pending registration has finished.
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: (args) => args.inputs,
};

// ComponentResource is abstract in the SDK's typings; the program's components are subclasses too.
class Component extends pulumi.ComponentResource {}

type ResourceClass = new (name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions) => pulumi.Resource;

/** Kubernetes API groups as @pulumi/kubernetes names its modules; other groups are custom resources. */
const KUBERNETES_GROUPS: Record<string, string> = {
    core: "core", apps: "apps", autoscaling: "autoscaling", batch: "batch", policy: "policy",
    "networking.k8s.io": "networking", "rbac.authorization.k8s.io": "rbac",
};

/** The provider SDK's class of a type token ("aws:lb/targetGroup:TargetGroup", "kubernetes:apps/v1:Deployment", ...). */
function classOf(type: string): ResourceClass {
    const [pkg, module, name] = type.split(":");
    if (pkg === "pulumi" && module === "providers") return require(`@pulumi/${name}/provider`).Provider;
    if (pkg === "kubernetes") {
        const [group, version] = module.split("/");
        const moduleName = KUBERNETES_GROUPS[group];
        return moduleName === undefined
            ? require("@pulumi/kubernetes/apiextensions").CustomResource
            : require(`@pulumi/kubernetes/${moduleName}`)[version][name];
    }
    const service = module.split("/")[0];
    return require(service === "index" ? `@pulumi/${pkg}` : `@pulumi/${pkg}/${service}`)[name];
}

/**
 * The class with the recorded inputs. An input the mocks left unset (an output they do not compute,
 * such as a KMS key's `keyId`) is required by the class's constructor: it gets an empty string.
 */
function construct(cls: ResourceClass, r: RecordedResource, parent: pulumi.Resource | undefined): pulumi.Resource {
    const inputs = { ...r.inputs };
    for (;;) {
        try {
            return new cls(r.name, inputs, { parent });
        } catch (err) {
            const missing = /^Missing required property '(\w+)'$/.exec((err as Error).message)?.[1];
            if (missing === undefined || missing in inputs) throw err;
            inputs[missing] = "";
        }
    }
}

async function register(resources: RecordedResource[], preview: boolean): Promise<void> {
    await pulumi.runtime.setMocks(mocks, "bench", "floor", preview);
    const created = new Map<string, pulumi.Resource>();
    for (const r of resources) {
        if (r.type === "pulumi:pulumi:Stack") continue;
        const parent = r.parent === null ? undefined : created.get(r.parent);
        const resource = r.custom ? construct(classOf(r.type), r, parent) : new Component(r.type, r.name, {}, { parent });
        created.set(r.urn, resource);
    }
    await waitForRPCs();
}

async function evaluate(resources: RecordedResource[]): Promise<void> {
    await register(resources, true);
    await register(resources, false);
}

// One untimed evaluation first: it loads the SDK modules of the classes.
if (require.main === module) runPoint((_stack, _config, run) => evaluate(run.resources), 1);
