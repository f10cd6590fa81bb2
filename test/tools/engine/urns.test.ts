import * as assert from "node:assert/strict";
import { AliasRequest, aliasUrns, generateUrn } from "../../../tools/engine/urns";
import { awsStack, planFor } from "../../fixtures";

const STACK_URN = "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s";
const spec = (fields: { name?: string; type?: string; parentUrn?: string; noParent?: boolean }): AliasRequest => ({
    getUrn: () => "",
    getSpec: () => ({
        getName: () => fields.name ?? "", getType: () => fields.type ?? "", getStack: () => "", getProject: () => "",
        getParenturn: () => fields.parentUrn ?? "", getNoparent: () => fields.noParent ?? false,
    }),
});
const urn = (value: string): AliasRequest => ({ getUrn: () => value, getSpec: () => undefined });

describe("URNs as the engine computes them", () => {
    it("puts the parent's whole type chain before the type, and leaves the root stack out", () => {
        assert.equal(generateUrn("urn:pulumi:s::p::a:b:C$d:e:F::x", "g:h:I", "y", "p", "s"), "urn:pulumi:s::p::a:b:C$d:e:F$g:h:I::y");
        assert.equal(generateUrn(STACK_URN, "g:h:I", "y", "p", "s"), "urn:pulumi:s::p::g:h:I::y");
        assert.equal(generateUrn("", "g:h:I", "y", "p", "s"), "urn:pulumi:s::p::g:h:I::y");
    });

    it("collapses alias specs as the engine does: defaults from the resource, noParent and the root stack at the top", () => {
        const resource = { name: "k", type: "aws:kms/key:Key", parent: "urn:pulumi:s::p::adk:x:Outer::o" };
        assert.deepEqual(aliasUrns([
            spec({}),
            spec({ parentUrn: "urn:pulumi:s::p::adk:x:Outer$adk:x:Former::f" }),
            spec({ noParent: true, name: "old" }),
            spec({ parentUrn: STACK_URN, type: "aws:kms/key:OldKey" }),
            urn("urn:pulumi:s::p::verbatim::v"),
        ], resource, "p", "s"), [
            "urn:pulumi:s::p::adk:x:Outer$aws:kms/key:Key::k",
            "urn:pulumi:s::p::adk:x:Outer$adk:x:Former$aws:kms/key:Key::k",
            "urn:pulumi:s::p::aws:kms/key:Key::old",
            "urn:pulumi:s::p::aws:kms/key:OldKey::k",
            "urn:pulumi:s::p::verbatim::v",
        ]);
    });

    it("gives every resource of a plan its parent's type chain, however deep", async () => {
        const plan = await planFor(awsStack());
        const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
        const chain = (u: string) => u.split("::")[2];
        let deep = 0;
        for (const r of plan.resources.filter((r) => r.parent !== null && byUrn.has(r.parent))) {
            assert.equal(chain(r.urn), `${chain(r.parent!)}$${r.type}`, r.urn);
            if (byUrn.get(r.parent!)!.parent !== null) deep++;
        }
        assert.ok(deep > 0, "no resource two components down");
    });
});
