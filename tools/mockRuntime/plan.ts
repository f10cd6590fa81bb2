import type { ProgramRun, RecordedResource } from "./records";

/** Lookups over a run, so that tests read as statements about the plan. */
export class Plan {
    constructor(readonly run: ProgramRun) {}

    get resources(): RecordedResource[] {
        return this.run.resources;
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The one resource of a type with the given logical name; throws when there is not exactly one. */
    one(type: string, name: string): RecordedResource {
        const found = this.ofType(type).filter((r) => r.name === name);
        if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${this.ofType(type).map((r) => r.name).join(", ")}`);
        return found[0];
    }

    childrenOf(urn: string): RecordedResource[] {
        return this.resources.filter((r) => r.parent === urn);
    }
}
