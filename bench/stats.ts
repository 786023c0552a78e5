/** The arithmetic every bench reports with: medians of several runs, rounded for JSON. */

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Median seconds of `runs` calls (to `digits` decimals), and the last call's value. */
export function timed<T>(runs: number, work: () => T, digits = 3): { medianSeconds: number; value: T } {
  const seconds: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    value = work();
    seconds.push((performance.now() - started) / 1000);
  }
  return { medianSeconds: round(median(seconds), digits), value: value as T };
}
