// `npm run plan -- --graph`: the stack as a picture. The traffic path reads left to right, from the
// load balancer (AWS) or the Gateway's address (GCP) through listeners and listener rules or
// HTTPRoutes, each edge to a track labelled with its share of the traffic, to the Services and the
// Deployments behind them, boxed by the component that owns them (the edge, one box per agent).
// The components around them (security, secrets and identity, monitoring and logging) are boxes of
// their own, one node per component type, with a dashed edge where one of their resources refers
// to a resource of the path (a WAF association to the load balancer, a backend policy's Cloud
// Armor policy). Edges come from the references the program makes: the inputs' dependencies
// Pulumi records, ARNs, and the names Kubernetes objects use for each other.
import { spawnSync } from "node:child_process";
import type { Operation } from "../engine/diff";
import type { RecordedResource } from "../mockRuntime";
import { ADDRESS, BINDING, DEPLOYMENT, GATEWAY, LISTENER, LOAD_BALANCER, ROUTE, RULE, SERVICE, TARGET_GROUP } from "../resourceTypes";

type Resource = Pick<RecordedResource, "urn" | "type" | "name" | "parent" | "custom" | "inputs" | "state" | "propertyDependencies">;

/** Where a component that is not on the traffic path is drawn. */
const AROUND: [string, RegExp][] = [
    ["security", /^adk:security:|:(WebAcl|CloudArmorPolicy|ValidatedCertificate)$/],
    ["secrets and identity", /^adk:secrets:/],
    ["monitoring and logging", /^adk:monitoring:|:(CloudWatchLogs|CloudLoggingBucket)$/],
];
const OTHER = "platform";
/** Component types per row in an area. */
const ROW = 4;

/** The operations a drawn node can have (deleted resources are not in the run). */
type Drawn = Exclude<Operation, "delete">;
/** Fill colours of a changed node, after the markers' colours in `pulumi preview`; the most telling first. */
const FILL: Record<Drawn, string> = { replace: "#ffd0a8", update: "#fff2b3", create: "#d4f7d4" };
const DRAWN = Object.keys(FILL) as Drawn[];

interface Edge {
    from: string;
    to: string;
    label?: string;
    dashed?: boolean;
}

/** A type token's last part: `kubernetes:apps/v1:Deployment` → `Deployment`. */
export const shortType = (type: string) => type.slice(type.lastIndexOf(":") + 1);
const quote = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
const k8sKey = (r: Resource) => `${r.inputs.metadata?.namespace ?? ""}/${r.inputs.metadata?.name ?? ""}`;

function percent(weights: number[], i: number): string {
    const total = weights.reduce((a, b) => a + b, 0);
    return total === 0 ? "0%" : `${Math.round((weights[i] / total) * 100)}%`;
}

function nodeLabel(r: Resource): string {
    switch (r.type) {
        case LISTENER: return `listener :${r.inputs.port} ${r.inputs.protocol}${r.inputs.defaultActions?.[0]?.type === "redirect" ? "\n(redirect to HTTPS)" : ""}`;
        case RULE: return `rule ${r.name}\n${(r.inputs.conditions ?? []).flatMap((c: any) => c.hostHeader?.values ?? []).join("\n")}`;
        case ROUTE: return `HTTPRoute ${r.inputs.metadata?.name}${(r.inputs.spec?.hostnames ?? []).map((h: string) => `\n${h}`).join("")}`;
        case SERVICE: case DEPLOYMENT: case BINDING: case GATEWAY:
            return `${shortType(r.type)}\n${r.inputs.metadata?.name}`;
        default: return `${shortType(r.type)}\n${r.name}`;
    }
}

/** The edges of the traffic path, from each resource to the ones it sends traffic to. */
function trafficEdges(resources: Resource[]): Edge[] {
    const byArn = new Map(resources.filter((r) => typeof r.state.arn === "string").map((r) => [r.state.arn as string, r]));
    const k8s = (type: string) => new Map(resources.filter((r) => r.type === type).map((r) => [k8sKey(r), r]));
    const services = k8s(SERVICE);
    const dependsOn = (r: Resource, key: string, type: string) => resources.filter((o) => o.type === type && (r.propertyDependencies[key] ?? []).includes(o.urn));
    const edges: Edge[] = [];
    for (const r of resources) {
        const namespace = r.inputs.metadata?.namespace ?? "";
        switch (r.type) {
            case LISTENER:
                for (const lb of dependsOn(r, "loadBalancerArn", LOAD_BALANCER)) edges.push({ from: lb.urn, to: r.urn });
                break;
            case RULE: {
                for (const listener of dependsOn(r, "listenerArn", LISTENER)) edges.push({ from: listener.urn, to: r.urn, label: `priority ${r.inputs.priority}` });
                for (const action of r.inputs.actions ?? []) {
                    const groups: { arn: string; weight?: number }[] = action.forward?.targetGroups ?? [];
                    const weights = groups.map((g) => g.weight ?? 1);
                    groups.forEach((g, i) => {
                        const group = byArn.get(g.arn);
                        if (group) edges.push({ from: r.urn, to: group.urn, label: `weight ${g.weight ?? 1} (${percent(weights, i)})` });
                    });
                }
                break;
            }
            case BINDING: {
                for (const group of dependsOn(r, "spec", TARGET_GROUP)) edges.push({ from: group.urn, to: r.urn });
                const service = services.get(`${namespace}/${r.inputs.spec?.serviceRef?.name}`);
                if (service) edges.push({ from: r.urn, to: service.urn });
                break;
            }
            case GATEWAY:
                for (const address of dependsOn(r, "spec", ADDRESS)) edges.push({ from: address.urn, to: r.urn });
                break;
            case ROUTE: {
                const gateways = k8s(GATEWAY);
                for (const parent of r.inputs.spec?.parentRefs ?? []) {
                    const gateway = gateways.get(`${parent.namespace ?? namespace}/${parent.name}`);
                    if (gateway) edges.push({ from: gateway.urn, to: r.urn, label: parent.sectionName });
                }
                for (const rule of r.inputs.spec?.rules ?? []) {
                    const refs: { name: string; namespace?: string; weight?: number }[] = rule.backendRefs ?? [];
                    // Gateway API: a backendRef's weight defaults to 1; a header match sends its
                    // requests there whatever the weights of the other rules.
                    const weights = refs.map((b) => b.weight ?? 1);
                    const match = (rule.matches ?? []).flatMap((m: any) => (m.headers ?? []).map((h: any) => `${h.name}: ${h.value}`)).join(", ");
                    refs.forEach((b, i) => {
                        const service = services.get(`${b.namespace ?? namespace}/${b.name}`);
                        if (service) edges.push({ from: r.urn, to: service.urn, label: match !== "" ? `header ${match}` : `weight ${weights[i]} (${percent(weights, i)})` });
                    });
                }
                break;
            }
            case DEPLOYMENT:
                for (const service of services.values()) {
                    const selector: Record<string, string> = service.inputs.spec?.selector ?? {};
                    const labels: Record<string, string> = r.inputs.spec?.template?.metadata?.labels ?? {};
                    const selects = Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
                    if (selects && (service.inputs.metadata?.namespace ?? "") === namespace) edges.push({ from: service.urn, to: r.urn });
                }
                break;
        }
    }
    return edges;
}

/** The resources traffic reaches from the entry points (load balancers, the Gateway's address). */
function reachable(resources: Resource[], edges: Edge[]): Set<string> {
    const seen = new Set(resources.filter((r) => r.type === LOAD_BALANCER || r.type === ADDRESS).map((r) => r.urn));
    const queue = [...seen];
    while (queue.length > 0) {
        const urn = queue.shift()!;
        for (const e of edges.filter((e) => e.from === urn && !seen.has(e.to))) {
            seen.add(e.to);
            queue.push(e.to);
        }
    }
    return seen;
}

export interface GraphInput {
    project: string;
    stack: string;
    resources: Resource[];
    /** What the next `pulumi up` does to each changed resource (`--against`), coloured in. */
    ops?: Map<string, Operation>;
}

/** The DOT text of the stack's picture. */
export function stackGraph({ project, stack, resources, ops }: GraphInput): string {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const edges = trafficEdges(resources);
    const onPath = reachable(resources, edges);
    const ids = new Map<string, string>();
    const id = (key: string) => ids.get(key) ?? ids.set(key, `n${ids.size}`).get(key)!;
    const fill = (op: Operation | undefined) => op === undefined || op === "delete" ? "" : `, style="filled", fillcolor=${quote(FILL[op])}`;
    const lines: string[] = [];

    // The path, boxed by the component that owns each resource.
    const owners = new Map<string, Resource[]>();
    for (const urn of onPath) {
        const r = byUrn.get(urn)!;
        const owner = r.parent ?? "";
        owners.set(owner, [...(owners.get(owner) ?? []), r]);
    }
    for (const [owner, members] of owners) {
        const component = byUrn.get(owner);
        lines.push(`  subgraph ${quote(`cluster_${id(owner)}`)} {`, `    label=${quote(component ? `${shortType(component.type)} ${component.name}` : stack)};`, `    style="rounded"; color="#5b7fa6";`);
        for (const r of members) lines.push(`    ${id(r.urn)} [label=${quote(nodeLabel(r))}${fill(ops?.get(r.urn))}];`);
        lines.push("  }");
    }
    for (const e of edges.filter((e) => onPath.has(e.from) && onPath.has(e.to))) {
        lines.push(`  ${id(e.from)} -> ${id(e.to)}${e.label ? ` [label=${quote(e.label)}]` : ""};`);
    }

    // Every other component, in the area of its type, one node per type.
    const components = resources.filter((r) => !r.custom && !resources.some((o) => onPath.has(o.urn) && o.parent === r.urn));
    const areaOf = (type: string) => AROUND.find(([, pattern]) => pattern.test(type))?.[0] ?? OTHER;
    const nodeOf = (r: Resource) => `${areaOf(r.type)}/${r.type}`;
    const componentOf = (r: Resource): Resource | undefined => {
        for (let p = r.parent; p !== null; p = byUrn.get(p)?.parent ?? null) {
            const c = byUrn.get(p);
            if (c && components.includes(c)) return c;
        }
        return undefined;
    };
    for (const [area] of [...AROUND, [OTHER]]) {
        const members = components.filter((c) => areaOf(c.type) === area);
        if (members.length === 0) continue;
        lines.push(`  subgraph ${quote(`cluster_${area}`)} {`, `    label=${quote(area)};`, `    style="rounded,dashed"; color="#888888";`);
        const types = [...new Set(members.map((m) => m.type))];
        for (const type of types) {
            const instances = members.filter((m) => m.type === type);
            const inside = (r: Resource) => instances.some((m) => m === r || m === componentOf(r));
            const changed = resources.filter(inside).map((r) => ops?.get(r.urn));
            const op = DRAWN.find((o) => changed.includes(o));
            lines.push(`    ${id(`${area}/${type}`)} [label=${quote(`${shortType(type)}\n${instances.map((m) => m.name).join("\n")}`)}, shape="note"${fill(op)}];`);
        }
        // Invisible edges lay an area out in rows of a few nodes, so the areas stack under the
        // path instead of in one tall column.
        for (let i = 0; i < types.length; i += ROW) {
            const row = types.slice(i, i + ROW).map((t) => id(`${area}/${t}`));
            if (row.length > 1) lines.push(`    ${row.join(" -> ")} [style="invis"];`);
        }
        lines.push("  }");
    }
    // A dashed edge where a resource of a component around refers to one on the path, or back.
    const links = new Set<string>();
    for (const r of resources) {
        const around = componentOf(r);
        for (const urn of Object.entries(r.propertyDependencies).filter(([key]) => key !== "metadata").flatMap(([, urns]) => urns)) {
            const target = byUrn.get(urn);
            const targetAround = target && componentOf(target);
            if (around && onPath.has(urn)) links.add(`${id(nodeOf(around))} -> ${id(urn)}`);
            else if (targetAround && onPath.has(r.urn)) links.add(`${id(r.urn)} -> ${id(nodeOf(targetAround))}`);
        }
    }
    for (const link of links) lines.push(`  ${link} [style="dashed", color="#888888", arrowhead="none"];`);
    if (ops !== undefined && ops.size > 0) {
        lines.push(`  subgraph "cluster_legend" {`, `    label="changes (deleted resources are not drawn)"; style="rounded"; color="#888888";`,
            ...DRAWN.map((op) => `    ${id(`legend/${op}`)} [label=${quote(op)}${fill(op)}];`),
            `    ${DRAWN.map((op) => id(`legend/${op}`)).join(" -> ")} [style="invis"];`, "  }");
    }

    return [
        `digraph ${quote(stack)} {`,
        `  graph [rankdir="LR", fontname="Helvetica", fontsize=12, labelloc="t", label=${quote(`${project} stack ${stack}`)}, nodesep=0.3, ranksep=0.6];`,
        `  node [shape="box", style="rounded", fontname="Helvetica", fontsize=11];`,
        `  edge [fontname="Helvetica", fontsize=10];`,
        ...lines,
        "}",
        "",
    ].join("\n");
}

export class GraphvizMissing extends Error {}

/** Runs graphviz's `dot`; throws GraphvizMissing when it is not installed. */
export function renderSvg(dot: string): string {
    const result = spawnSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8" });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
        throw new GraphvizMissing("graphviz's `dot` is not on PATH: install graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)");
    }
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`dot failed: ${result.stderr}`);
    return result.stdout;
}
