/** One section of docs/benchmarks.md: what was measured, with which command, and the results. */
export interface BenchSection {
  readonly title: string;
  /** Shell command that reproduces the section, such as `npm run bench -- synth`. */
  readonly command: string;
  readonly rows: readonly BenchRow[];
  /** Sentences printed under the table: method, sample size, caveats. */
  readonly notes?: readonly string[];
}

export interface BenchRow {
  readonly metric: string;
  readonly value: string;
  /** Target, such as `< 3 s`; empty when the metric has none. */
  readonly target?: string;
  /** Whether the value meets the target; undefined when there is no target. */
  readonly met?: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
}

/** Nearest-rank percentile, `p` from 0 to 100. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}
