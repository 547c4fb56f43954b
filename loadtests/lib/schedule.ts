/**
 * Ramping-VU schedules and execution segments, as pure functions: the whole plan is a list of stages;
 * VU v (0-based, global) is active while floor(target(t)) > v. A runner running segment "i/N" owns the
 * VUs with v % N === i - 1, so N runners together run exactly the plan's VUs at every instant.
 */

export interface Stage {
  /** seconds this stage lasts (0 = jump to target at once). */
  readonly durationS: number;
  /** VUs at the end of the stage. */
  readonly target: number;
}

export interface Interval {
  readonly startS: number;
  readonly stopS: number;
}

export interface ExecutionSegment {
  /** 1-based index of this runner. */
  readonly index: number;
  readonly count: number;
}

const SEGMENT = /^(\d+)\/(\d+)$/;

/** "2/3" -> {index: 2, count: 3}; throws a message naming the fix on anything else. */
export function parseSegment(text: string): ExecutionSegment {
  const match = SEGMENT.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new Error(
      `execution segment "${text}" is invalid: write "i/N" with 1 <= i <= N, e.g. "1/1" or "2/3"`,
    );
  }
  return { index, count };
}

export const formatSegment = (segment: ExecutionSegment) => `${segment.index}/${segment.count}`;

export function ownsVu(segment: ExecutionSegment, vu: number): boolean {
  return vu % segment.count === segment.index - 1;
}

export function totalDurationS(stages: readonly Stage[]): number {
  return stages.reduce((sum, stage) => sum + stage.durationS, 0);
}

export function maxTarget(stages: readonly Stage[], startVus = 0): number {
  return stages.reduce((max, stage) => Math.max(max, stage.target), startVus);
}

/** The plan's (fractional) VU target at time t. */
export function targetAt(stages: readonly Stage[], tS: number, startVus = 0): number {
  let from = startVus;
  let t0 = 0;
  for (const stage of stages) {
    const t1 = t0 + stage.durationS;
    if (tS < t1) return from + (stage.target - from) * ((tS - t0) / stage.durationS);
    from = stage.target;
    t0 = t1;
  }
  return from;
}

/** Active VUs of the plan at time t (what k6 calls the current VU count). */
export const activeVusAt = (stages: readonly Stage[], tS: number, startVus = 0) =>
  Math.floor(targetAt(stages, tS, startVus) + 1e-9);

/**
 * When VU `vu` is active: a list of [start, stop) intervals in seconds since the scenario started.
 * The last interval stops at the end of the stages at the latest.
 */
export function vuIntervals(stages: readonly Stage[], vu: number, startVus = 0): Interval[] {
  const level = vu + 1;
  const intervals: Interval[] = [];
  let activeSince: number | undefined = startVus >= level ? 0 : undefined;
  let from = startVus;
  let t0 = 0;
  for (const stage of stages) {
    const to = stage.target;
    const t1 = t0 + stage.durationS;
    if (activeSince === undefined && to >= level) {
      activeSince = stage.durationS === 0 ? t0 : t0 + ((level - from) / (to - from)) * stage.durationS;
    } else if (activeSince !== undefined && to < level) {
      const stop = stage.durationS === 0 ? t0 : t0 + ((from - level) / (from - to)) * stage.durationS;
      // Exactly at `stop` the target is still `level`; the VU leaves just after.
      if (stop > activeSince) intervals.push({ startS: activeSince, stopS: stop });
      activeSince = undefined;
    }
    from = to;
    t0 = t1;
  }
  if (activeSince !== undefined && t0 > activeSince) intervals.push({ startS: activeSince, stopS: t0 });
  return intervals;
}

/** The global VU indices a segment owns, among the plan's `maxVus`. */
export function segmentVus(segment: ExecutionSegment, maxVus: number): number[] {
  const vus: number[] = [];
  for (let v = segment.index - 1; v < maxVus; v += segment.count) vus.push(v);
  return vus;
}
