import { percentileOfSorted } from "../../../loadtests/lib/stats.ts";
import type { HarmRule } from "../sandbox-spec/schema.ts";
import type { BystanderResult } from "./bystander-schema.ts";

/**
 * Pure judgement of the bystander (a business application sharing a site's link): its latency and
 * errors in a window, whether the learners harmed it, and the most learners at once that did not.
 */

export interface BystanderSampleLike {
  /** ms since the bystander started. */
  readonly t: number;
  readonly ms: number;
  readonly ok: boolean;
}

export interface BystanderStats {
  readonly requests: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
}

export interface BystanderStep extends BystanderStats {
  readonly learners: number;
}

/** Latency percentiles over the successful answers sent at or after `fromMs`; failures count as errors. */
export function bystanderStats(samples: readonly BystanderSampleLike[], fromMs = 0): BystanderStats {
  const window = samples.filter((s) => s.t >= fromMs);
  const sorted = Float64Array.from(window.filter((s) => s.ok).map((s) => s.ms)).sort();
  const at = (p: number) => (sorted.length ? round1(percentileOfSorted(sorted, p)) : 0);
  return {
    requests: window.length,
    errors: window.filter((s) => !s.ok).length,
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The absolute limit judges the learners only when the bystander alone is under it: a baseline already
 * over it (a long RTT, a loaded measuring machine) would call every count harmful, learners or not.
 */
export const absoluteLimitApplies = (baselineP95Ms: number, rule: HarmRule) =>
  baselineP95Ms < rule.p95LimitMs;

/** The p95 above which the bystander is harmed: factor x baseline, or the absolute limit if lower. */
export const harmLineMs = (baselineP95Ms: number, rule: HarmRule) =>
  round1(
    absoluteLimitApplies(baselineP95Ms, rule)
      ? Math.min(rule.p95Factor * baselineP95Ms, rule.p95LimitMs)
      : rule.p95Factor * baselineP95Ms,
  );

/** Why the bystander counts as harmed in this window (empty: not harmed). */
export function harmReasons(stats: BystanderStats, baselineP95Ms: number, rule: HarmRule): string[] {
  const reasons: string[] = [];
  if (stats.p95Ms > rule.p95Factor * baselineP95Ms)
    reasons.push(`p95 ${stats.p95Ms} ms > ${rule.p95Factor} x baseline ${baselineP95Ms} ms`);
  if (absoluteLimitApplies(baselineP95Ms, rule) && stats.p95Ms > rule.p95LimitMs)
    reasons.push(`p95 ${stats.p95Ms} ms > limit ${rule.p95LimitMs} ms`);
  if (stats.errors > rule.maxErrors)
    reasons.push(`${stats.errors} failed request(s) > ${rule.maxErrors} allowed`);
  if (stats.requests === 0) reasons.push("no answer at all");
  return reasons;
}

const byLearners = (steps: readonly BystanderStep[]) => [...steps].sort((a, b) => a.learners - b.learners);

/**
 * The most learners at once the bystander was measured unharmed at, with every smaller probed count
 * unharmed too (harm only grows with learners on one link); 0 when the smallest probe already harmed it.
 */
export function harmlessMaxOf(
  steps: readonly BystanderStep[],
  harmed: (step: BystanderStep) => boolean,
): number {
  let best = 0;
  for (const step of byLearners(steps)) {
    if (harmed(step)) break;
    best = step.learners;
  }
  return best;
}

/** The next learner count that narrows the harm boundary (bisection), or undefined when it is pinned. */
export function nextHarmProbe(
  steps: readonly BystanderStep[],
  harmed: (step: BystanderStep) => boolean,
): number | undefined {
  const good = harmlessMaxOf(steps, harmed);
  const bad = byLearners(steps).find((s) => s.learners > good && harmed(s))?.learners;
  if (bad === undefined || bad - good <= 1) return undefined;
  return Math.max(1, Math.floor((good + bad) / 2));
}

/** The bystander's part of a site's capacity: baseline, every step judged, harmlessMax. */
export function bystanderResult(
  baseline: BystanderStats,
  steps: readonly BystanderStep[],
  rule: HarmRule,
  expectedLearners: number,
): BystanderResult {
  const judged = byLearners(steps).map((step) => {
    const reasons = harmReasons(step, baseline.p95Ms, rule);
    return { ...step, harmed: reasons.length > 0, reasons };
  });
  const harmed = (step: BystanderStep) => harmReasons(step, baseline.p95Ms, rule).length > 0;
  const harmlessMax = harmlessMaxOf(steps, harmed);
  return {
    baselineP50Ms: baseline.p50Ms,
    baselineP95Ms: baseline.p95Ms,
    baselineP99Ms: baseline.p99Ms,
    baselineErrors: baseline.errors,
    harmRule: { ...rule },
    harmLineMs: harmLineMs(baseline.p95Ms, rule),
    absoluteLimitApplied: absoluteLimitApplies(baseline.p95Ms, rule),
    steps: judged,
    harmlessMax,
    capped: judged.length > 0 && judged.every((s) => !s.harmed),
    p95AtExpectedMs: judged.find((s) => s.learners === expectedLearners)?.p95Ms ?? null,
  };
}

export const capacityBounds = ["playback", "harm"] as const;
export type CapacityBound = (typeof capacityBounds)[number];

/**
 * The learners at once the verdict counts on: playback's capacity, unless the bystander was harmed by
 * fewer; a capped harmlessMax (nothing harmed it) never bounds.
 */
export function boundedCapacity(
  playback: number,
  bystander: { readonly harmlessMax: number; readonly capped: boolean } | null | undefined,
): { capacity: number; bound: CapacityBound } {
  if (!bystander || bystander.capped || bystander.harmlessMax >= playback)
    return { capacity: playback, bound: "playback" };
  return { capacity: bystander.harmlessMax, bound: "harm" };
}
