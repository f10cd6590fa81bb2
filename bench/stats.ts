export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Least-squares slope and intercept of y over x, and how linear the points are (r²). */
export function linearFit(points: { x: number; y: number }[]): { slope: number; intercept: number; r2: number } {
    const n = points.length;
    const mx = points.reduce((s, p) => s + p.x, 0) / n;
    const my = points.reduce((s, p) => s + p.y, 0) / n;
    const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
    const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
    const syy = points.reduce((s, p) => s + (p.y - my) ** 2, 0);
    const slope = sxy / sxx;
    return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}
