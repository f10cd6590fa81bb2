// URNs as the engine computes them: a resource's own, and the ones its aliases stand for (pulumi/pulumi
// pkg/resource/deploy/source_eval.go parses each alias, step_generator.go collapseAliasToUrn turns
// it into a URN, sdk/go/common/resource/alias.go CreateURN builds it).

/** An alias as the registration request carries it (proto/alias.proto): a URN, or a spec. */
export interface AliasRequest {
    getUrn(): string;
    getSpec(): {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
    } | undefined;
}

const ROOT_STACK = "pulumi:pulumi:Stack";

/**
 * A registered resource's URN (pkg/resource/deploy/deployment.go generateURN, then CreateURN): the
 * parent's whole qualified type, then the resource's type and name; the root stack's type is left
 * out. The SDK's mock monitor keeps only the parent's last type (runtime/mocks.js newUrn), which
 * gives a resource two components down a URN the engine would not, and its old URN once a
 * component goes.
 */
export function generateUrn(parent: string, type: string, name: string, project: string, stack: string): string {
    const prefix = parent === "" || typeOf(parent) === ROOT_STACK ? `urn:pulumi:${stack}::${project}::` : `${parent.slice(0, parent.lastIndexOf("::"))}$`;
    return `${prefix}${type}::${name}`;
}

function typeOf(urn: string): string {
    const chain = urn.split("::")[2] ?? "";
    return chain.slice(chain.lastIndexOf("$") + 1);
}

/**
 * collapseAliasToUrn: a spec's empty name, type, project or stack is the resource's own; an unset
 * parent is the resource's parent; `noParent`, or a parent that is the root stack, puts the alias
 * at the top. Not modelled: a parent that itself was found through an alias (the engine then uses
 * the parent's old URN); the program aliases no resource whose children are aliased too.
 */
export function aliasUrns(aliases: AliasRequest[], resource: { name: string; type: string; parent: string | null }, project: string, stack: string): string[] {
    return aliases.map((alias) => {
        const spec = alias.getSpec();
        if (spec === undefined) return alias.getUrn();
        const parent = spec.getNoparent() ? "" : spec.getParenturn() || (resource.parent ?? "");
        return generateUrn(parent, spec.getType() || resource.type, spec.getName() || resource.name, spec.getProject() || project, spec.getStack() || stack);
    });
}
