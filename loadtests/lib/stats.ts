/**
 * Exact statistics over raw values. The same functions summarise one runner's samples and the merged
 * samples of every runner, so a merge can never differ from a single run by the way it is computed.
 */

export interface TrendValues {
  count: number;
  min: number;
  max: number;
  avg: number;
  med: number;
  p90: number;
  p95: number;
  p99: number;
}

/** Percentile p (0-100) of ascending `sorted`, linear interpolation between closest ranks (as k6 does). */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0] as number;
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (n - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Summary of ascending `sorted` values (the shape LoadRunResult stores for a trend). */
export function trendValuesOfSorted(sorted: Float64Array): TrendValues {
  const count = sorted.length;
  if (count === 0) return { count: 0, min: 0, max: 0, avg: 0, med: 0, p90: 0, p95: 0, p99: 0 };
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count,
    min: sorted[0] as number,
    max: sorted[count - 1] as number,
    avg: sum / count,
    med: percentileOfSorted(sorted, 50),
    p90: percentileOfSorted(sorted, 90),
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
  };
}

/** A growable Float64 buffer: millions of samples without a JS array of boxed numbers. */
export class ValueBuffer {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values, sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}
