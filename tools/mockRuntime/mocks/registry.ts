// What the mock provider answers beyond echoing inputs: computed outputs per resource type and
// data-source invokes. Each cloud concern keeps its entries in its own file beside this one.

export const ACCOUNT = "123456789012";

export type Compute = (name: string, inputs: Record<string, any>, region: string) => Record<string, unknown>;
export type Answer = (inputs: Record<string, any>, region: string) => Record<string, unknown>;

export const COMPUTED: Record<string, Compute> = {};
export const INVOKES: Record<string, Answer> = {};

export function registerComputed(type: string, compute: Compute): void {
    COMPUTED[type] = compute;
}

export function registerInvoke(token: string, answer: Answer): void {
    INVOKES[token] = answer;
}
