// The resources that split an agent's traffic between its tracks: what a canary rollback has to
// update, and all it has to. `npm run plan -- --stack <s> --routing-urns <agent>` lists their
// URNs for `pulumi up --target`: the ALB listener rules (or the HTTPS listener, when it forwards to
// a single agent itself) on AWS, the HTTPRoute on GCP. Each is found by what it forwards to (a
// property dependency on the agent's canary target group or Service), not by its name, so a
// listener that takes over from the rules when a stack serves one agent is found as well.
import type { ProgramRun, RecordedResource } from "../mockRuntime";
import { LISTENER, ROUTE, RULE, SERVICE, TARGET_GROUP } from "../resourceTypes";

const ROUTING_TYPES: readonly string[] = [LISTENER, RULE, ROUTE];

/** The agent's canary backend: its target group on AWS (tags), its Service on GCP (labels). */
function isCanaryBackend(resource: RecordedResource, agent: string): boolean {
    const marks = resource.type === TARGET_GROUP ? resource.inputs.tags
        : resource.type === SERVICE ? resource.inputs.metadata?.labels : undefined;
    return (marks?.agent ?? marks?.app) === agent && marks?.track === "canary";
}

/** URNs of the routing resources that send the agent's canary its share, in registration order. */
export function routingUrns(run: Pick<ProgramRun, "resources">, agent: string): string[] {
    const backends = new Set(run.resources.filter((r) => isCanaryBackend(r, agent)).map((r) => r.urn));
    return run.resources
        .filter((r) => ROUTING_TYPES.includes(r.type) && Object.values(r.propertyDependencies).some((urns) => urns.some((urn) => backends.has(urn))))
        .map((r) => r.urn);
}
