// Kubernetes resource quantities, checked the way the API server parses them, so that a typo such
// as "500mm" fails at plan time instead of at apply time on the cluster.

const CPU = /^(\d+(\.\d+)?|\.\d+)(m)?$/;
const MEMORY = /^(\d+(\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

const MEMORY_FACTORS: Record<string, number> = {
    "": 1,
    k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** CPU in cores ("500m" -> 0.5), or undefined when the text is not a CPU quantity. */
export function parseCpu(text: string): number | undefined {
    const m = CPU.exec(text);
    if (!m) return undefined;
    const value = Number(m[1]);
    return m[3] ? value / 1000 : value;
}

/** Memory in bytes ("1Gi" -> 1073741824), or undefined when the text is not a memory quantity. */
export function parseMemory(text: string): number | undefined {
    const m = MEMORY.exec(text);
    if (!m) return undefined;
    return Number(m[1]) * MEMORY_FACTORS[m[3] ?? ""];
}
