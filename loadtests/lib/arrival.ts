/**
 * Pure schedule math of the iteration-based executors, and how execution segments split them exactly:
 * runner "i/N" owns iteration k of a scenario when k % N === i - 1 (arrival-rate), and shared iterations
 * follow their VU (iteration k belongs to VU k % vus). N runners together start exactly the plan's iterations.
 */
import type { ExecutionSegment, Stage } from "./schedule.ts";

/** Rate stages: the rate ramps linearly from the previous target to `target` (iterations per timeUnit). */
export interface RatePlan {
  readonly startRate: number;
  readonly timeUnitS: number;
  readonly stages: readonly Stage[];
}

/**
 * Start times (seconds from the scenario's start) of every iteration of an arrival-rate plan: iteration k
 * starts when the integral of the rate reaches k (k6's definition, the first at 0).
 */
export function arrivalTimes(plan: RatePlan): number[] {
  const times: number[] = [];
  let t0 = 0;
  let from = plan.startRate / plan.timeUnitS;
  let done = 0; // iterations started before this stage: the integral so far
  let integral = 0;
  for (const stage of plan.stages) {
    const to = stage.target / plan.timeUnitS;
    const d = stage.durationS;
    const stageTotal = d === 0 ? 0 : ((from + to) / 2) * d;
    const end = integral + stageTotal;
    // iteration k starts inside this stage when integral <= k < end
    for (let k = done; k < end - 1e-9; k++) {
      const n = k - integral;
      const a = (to - from) / (2 * d);
      const t = Math.abs(a) < 1e-12 ? n / from : (-from + Math.sqrt(from * from + 4 * a * n)) / (2 * a);
      times.push(t0 + Math.max(0, Math.min(d, t)));
      done = k + 1;
    }
    integral = end;
    t0 += d;
    from = to;
  }
  return times;
}

/** The indexes of `total` items a segment owns (k % N === i - 1). */
export function segmentShare(segment: ExecutionSegment, total: number): number[] {
  const owned: number[] = [];
  for (let k = segment.index - 1; k < total; k += segment.count) owned.push(k);
  return owned;
}

/** How many of a shared-iterations scenario's `iterations` this segment's VUs run (iteration k goes with VU k % vus). */
export function sharedIterationsOf(segment: ExecutionSegment, vus: number, iterations: number): number {
  let count = 0;
  for (let k = 0; k < iterations; k++) if ((k % vus) % segment.count === segment.index - 1) count++;
  return count;
}
