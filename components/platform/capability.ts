// A component for what a platform builder creates for one capability outside the units of
// index.ts (the agents' secrets in the cloud's store, the collector's cloud identity), so that
// every cloud resource sits in a component, as pulumi-eks groups a cluster's parts.
import * as pulumi from "@pulumi/pulumi";
import { formerlyAtTop } from "../naming/formerComponent";

/** The agents' secrets in the cloud's store: the stack's key, each agent's secret and its reader identity. */
export const CLOUD_SECRETS = "adk:secrets:CloudSecrets";
/** The identity the OpenTelemetry Collector exports to the cloud's tracing service as. */
export const CLOUD_TRACING_IDENTITY = "adk:monitoring:CloudTracingIdentity";

class Capability extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}

/**
 * The options of what a platform builder creates for one capability: children of a new component
 * of `type` named `name`, which was not there when they sat at the top of the stack.
 */
export function inCapability(type: string, name: string, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return formerlyAtTop(new Capability(type, name, opts), opts);
}
