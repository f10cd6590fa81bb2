// Where each agent is served and how its traffic splits between its tracks: cloud-neutral routes,
// built from the agents and the load balancer settings, that the ALB and the Gateway both consume.
import type * as k8s from "../sdk/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { Problem } from "../../config/errors";
import type { CheckContext } from "../../config/presets";
import type { Track } from "../agents/contract";
import type { LoadBalancerConfig } from "./config";

/**
 * An agent's listener rules take two adjacent ALB priorities (1..50000) of one slot, so slots run
 * 1..25000. The slot is the agent's, not its position in the list: a priority that moved with the
 * list would be asked of a surviving rule while a rule being deleted still holds it (ALB answers
 * PriorityInUse, and Pulumi deletes last), so inserting or removing an agent would fail `up`.
 */
export const ALB_RULE_SLOTS = 25_000;

/**
 * The slot of the platform's own rules (priorities 1 and 2), evaluated before every agent's: the
 * rule that closes ADK's development endpoints. No agent takes it, so adding it moved no agent's rule.
 */
export const PLATFORM_RULE_SLOT = 1;

/** `priority` when set, otherwise a hash of the name: stable whatever the order of the agents. */
export function ruleSlot(agent: { name: string; priority?: number }): number {
    return agent.priority ?? createHash("sha256").update(agent.name).digest().readUInt32BE(0) % ALB_RULE_SLOTS + 1;
}

/** Two agents on one slot would ask the listener for the same priorities: refused before any resource exists. */
export function checkRuleSlots(agents: (readonly [number, { name?: string; priority?: number }])[], { cloud }: CheckContext): Problem[] {
    if (cloud === "gcp") {
        return agents.filter(([, a]) => a.priority !== undefined)
            .map(([i]) => ({ path: ["agents", i, "priority"], message: "only applies on aws (the order of ALB listener rules); HTTPRoutes have no priority" }));
    }
    const problems: Problem[] = [];
    const taken = new Map<number, { index: number; name: string }>();
    for (const [i, agent] of agents) {
        if (agent.name === undefined) continue;
        const slot = ruleSlot({ name: agent.name, priority: agent.priority });
        if (slot === PLATFORM_RULE_SLOT) {
            const origin = agent.priority === undefined ? `hashed from the name "${agent.name}"` : "set by priority";
            problems.push({ path: ["agents", i, "priority"], message: `listener rule slot ${slot} (${origin}) is the platform's own; set agents[${i}].priority to a free slot between 2 and ${ALB_RULE_SLOTS}` });
            continue;
        }
        const holder = taken.get(slot);
        if (holder === undefined) {
            taken.set(slot, { index: i, name: agent.name });
            continue;
        }
        // A duplicate name is reported as such; its slot adds nothing.
        if (holder.name === agent.name && agent.priority === undefined) continue;
        const other = holder.index;
        const origin = agent.priority === undefined ? "hashed from its name" : "set by priority";
        problems.push({
            path: ["agents", i, "priority"],
            message: `listener rule slot ${slot} (${origin}) is also taken by agents[${other}]; set agents[${i}].priority or agents[${other}].priority to a free slot between 1 and ${ALB_RULE_SLOTS}`,
        });
    }
    return problems;
}

/** How both clouds' load balancers probe an agent's readiness path: every 30 s, 5 s timeout, healthy after 2, unhealthy after 3. */
export const HEALTH_CHECK = { intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 };

/** What a rollout strategy asks of the load balancer for one agent. */
export interface TrafficSplit {
    /** Percentages; they add up to 100. */
    weights: Record<Track, number>;
    /** Requests carrying this header go to `track`, whatever the weights. */
    headerRoute?: { name: string; value: string; track: Track };
}

interface SplitAgent {
    strategy: "rolling" | "canary" | "blue-green" | "ab-testing";
    canary?: { weight: number; header?: { name: string; value: string }; active?: "blue" | "green" };
}

/**
 * Blue is the stable track (`image`), green the canary track (`canary.image`): switching colours
 * moves all traffic, and the header, if any, previews the idle colour.
 */
function trafficSplit(agent: SplitAgent): TrafficSplit {
    const canary = agent.canary;
    if (agent.strategy === "rolling" || canary === undefined) return { weights: { stable: 100, canary: 0 } };
    const header = canary.header;
    switch (agent.strategy) {
        case "canary":
            return { weights: { stable: 100 - canary.weight, canary: canary.weight } };
        case "ab-testing":
            return { weights: { stable: 100, canary: 0 }, headerRoute: header && { ...header, track: "canary" } };
        case "blue-green": {
            const green = canary.active === "green";
            return {
                weights: { stable: green ? 0 : 100, canary: green ? 100 : 0 },
                headerRoute: header && { ...header, track: green ? "stable" : "canary" },
            };
        }
    }
}

/** Where one agent is served and how its traffic splits: the input of both clouds' components. */
export interface AgentRoute extends TrafficSplit {
    agent: string;
    tracks: Track[];
    /** Host the agent answers on. */
    host: string;
    /** Path routing only: the prefix that selects the agent and is stripped before it reaches the pods. */
    pathPrefix?: string;
    port: number;
    readyPath: string;
    /** Served without authentication at the load balancer. */
    public: boolean;
    /** How long the load balancer keeps a deregistered pod's requests going: the agent's termination budget. */
    drainingSeconds: number;
    /** AWS listener rule slot (see ruleSlot). */
    ruleSlot: number;
}

interface RoutedAgent extends SplitAgent {
    name: string;
    port: number;
    readyPath: string;
    terminationSeconds: number;
    priority?: number;
    public: boolean;
}

/** An agent as both clouds' load balancers serve it: its route and its Service per track. */
export type EdgeAgent = AgentRoute & { services: Partial<Record<Track, k8s.core.v1.Service>> };

/**
 * One agent takes the default route; several get `<agent>.<domain>` or `<domain>/<agent>/`. Each
 * with the agent's Services per track: what the load balancer components take.
 */
export function servedRoutes(agents: RoutedAgent[], lb: Pick<LoadBalancerConfig, "domain" | "routing">, services: Record<string, Partial<Record<Track, k8s.core.v1.Service>>>): EdgeAgent[] {
    const shared = agents.length === 1;
    return agents.map((agent) => ({
        agent: agent.name,
        tracks: agent.canary ? ["stable", "canary"] : ["stable"],
        host: shared || lb.routing === "path" ? lb.domain : `${agent.name}.${lb.domain}`,
        pathPrefix: !shared && lb.routing === "path" ? `/${agent.name}` : undefined,
        port: agent.port,
        readyPath: agent.readyPath,
        public: agent.public,
        drainingSeconds: agent.terminationSeconds,
        ruleSlot: ruleSlot(agent),
        ...trafficSplit(agent),
        services: services[agent.name],
    }));
}

/** What both clouds' canary load balancers take, the loadBalancer section narrowed to the cloud. */
export interface EdgeArgs<Settings> {
    agents: EdgeAgent[];
    /** Namespace of the agents' Services; the in-cluster routing objects live beside them. */
    namespace: pulumi.Input<string>;
    kubernetesProvider: k8s.Provider;
    loadBalancer: Settings;
    /** `protect` what DNS points at and what serves every agent. */
    protect: boolean;
    labels?: Record<string, string>;
}
