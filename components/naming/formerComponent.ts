// Components that became plain functions: their children keep the URNs they had, so that `pulumi
// up` finds the deployed resources instead of deleting and recreating them (keys, secrets, roles).
import * as pulumi from "@pulumi/pulumi";

/**
 * The options of the children of what used to be a component of type `type` named `name`: each
 * child gets an alias whose parent is that component's former URN, and the engine looks the
 * child up under it when its own URN is not in the state (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, getOldResource and collapseAliasToUrn: the alias takes
 * the child's own name and type). The former component sat where the caller's children used to
 * sit: where the caller's own alias puts them (its `parent`; the top when that is undefined) when the
 * caller moved too, else under `opts.parent`, the stack when unset (`createUrn` drops the stack
 * from the type chain, as the engine does, sdk/nodejs/resource.ts).
 */
export function underFormerComponent<T extends pulumi.CustomResourceOptions>(type: string, name: string, opts: T): T {
    const outer = opts.aliases?.find((alias): alias is pulumi.Alias => typeof alias === "object" && !pulumi.Output.isInstance(alias) && "parent" in alias);
    return { ...opts, aliases: [{ parent: pulumi.createUrn(name, type, outer === undefined ? opts.parent : outer.parent) }] };
}

/**
 * The options of resources that used to sit at the top of the stack and now sit in `parent`: an
 * alias whose parent is set and undefined, which the SDK sends as `noParent` (runtime/resource.ts
 * mapAliasesForRequest), and which `underFormerComponent` follows for the children of a former
 * component among them.
 */
export function formerlyAtTop(parent: pulumi.Resource, opts: pulumi.CustomResourceOptions): pulumi.CustomResourceOptions {
    return { ...opts, parent, aliases: [{ parent: undefined }] };
}
