/** Playback quality of one load run at a given number of learners, as the capacity search sees it. */
export interface PlaybackOutcome {
  /** stalled time over watched time (mean over sessions). */
  readonly rebufferRatio: number;
  /** p95 of segment fetch time over segment duration (above 1 the player cannot keep up). */
  readonly p95SegmentFetchOverDuration: number;
  /** failed requests over all requests. */
  readonly errorRate: number;
}

/** Runs `learners` at the site through its shaped link and reports how playback went. */
export type RunLearners = (learners: number) => Promise<PlaybackOutcome>;

/** When playback counts as degraded (from the policy's thresholds). */
export interface DegradationLimits {
  readonly rebufferRatio: number;
  readonly p95SegmentFetchOverDuration: number;
  readonly errorRate: number;
}

/**
 * More than 5% of segments arriving slower than real time (p95 of fetch time / segment duration above 1)
 * means the link no longer keeps up with playback; the policy has no figure for this yet.
 */
export const DEFAULT_FETCH_OVER_DURATION_LIMIT = 1;

export interface CapacityProbe extends PlaybackOutcome {
  readonly learners: number;
  readonly degraded: boolean;
  readonly reasons: string[];
}

export interface CapacitySearchResult {
  /** the most learners that played without degrading (0 when even one degraded). */
  readonly measuredNMax: number;
  readonly probes: CapacityProbe[];
  /** false when the probe budget ran out before good and degraded were one learner apart. */
  readonly resolved: boolean;
  /** true when nothing degraded up to `maxLearners`: measuredNMax is then a lower bound. */
  readonly capped: boolean;
}

export function degradationReasons(outcome: PlaybackOutcome, limits: DegradationLimits): string[] {
  const reasons: string[] = [];
  if (outcome.rebufferRatio > limits.rebufferRatio)
    reasons.push(`rebuffer ratio ${outcome.rebufferRatio.toFixed(3)} > ${limits.rebufferRatio}`);
  if (outcome.p95SegmentFetchOverDuration > limits.p95SegmentFetchOverDuration) {
    reasons.push(
      `p95 segment fetch / duration ${outcome.p95SegmentFetchOverDuration.toFixed(2)} > ${limits.p95SegmentFetchOverDuration}`,
    );
  }
  if (outcome.errorRate > limits.errorRate)
    reasons.push(`error rate ${outcome.errorRate.toFixed(3)} > ${limits.errorRate}`);
  return reasons;
}

export interface CapacitySearchOptions {
  readonly run: RunLearners;
  readonly limits: DegradationLimits;
  /** first guess, usually the predicted N_max (at least 1). */
  readonly start: number;
  /** never run more learners than this (the spec's load.maxLearners). */
  readonly maxLearners: number;
  /** at most this many load runs (each costs real time); default 8. */
  readonly maxProbes?: number;
  /** growth factor while every run is good; default 1.5. */
  readonly growth?: number;
  readonly onProbe?: (probe: CapacityProbe) => void;
}

/**
 * Finds the boundary between learner counts that play well and those that degrade: from `start` it
 * grows (or shrinks) geometrically until it has one good and one degraded count, then bisects. Each
 * count is run once; a count at or below a known good one is assumed good (playback only gets worse
 * with more learners sharing one link). Bounded by `maxProbes` runs and `maxLearners`.
 */
export async function findCapacity(options: CapacitySearchOptions): Promise<CapacitySearchResult> {
  const maxProbes = options.maxProbes ?? 8;
  const growth = options.growth ?? 1.5;
  if (!(options.maxLearners >= 1))
    throw new Error(`maxLearners must be at least 1, got ${options.maxLearners}`);
  const probes: CapacityProbe[] = [];
  let good = 0;
  let bad: number | undefined;
  let next = Math.min(Math.max(1, Math.round(options.start)), options.maxLearners);
  while (probes.length < maxProbes) {
    const outcome = await options.run(next);
    const reasons = degradationReasons(outcome, options.limits);
    const probe: CapacityProbe = { learners: next, ...outcome, degraded: reasons.length > 0, reasons };
    probes.push(probe);
    options.onProbe?.(probe);
    if (probe.degraded) bad = next;
    else good = next;
    if (bad === undefined) {
      if (good >= options.maxLearners) break;
      next = Math.min(options.maxLearners, Math.max(good + 1, Math.ceil(good * growth)));
    } else if (bad - good <= 1) {
      break;
    } else if (good === 0 && probes.every((p) => p.degraded)) {
      next = Math.max(1, Math.floor(bad / growth));
      if (next >= bad) next = bad - 1;
    } else {
      next = Math.floor((good + bad) / 2);
    }
  }
  const capped = bad === undefined && good >= options.maxLearners;
  return { measuredNMax: good, probes, resolved: capped || (bad !== undefined && bad - good <= 1), capped };
}
