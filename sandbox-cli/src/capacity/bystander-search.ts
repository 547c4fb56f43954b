import type { HarmRule } from "../sandbox-spec/schema.ts";
import { type BystanderStats, type BystanderStep, harmReasons, nextHarmProbe } from "./bystander-harm.ts";

export interface HarmSearchOptions {
  /** the steps the playback search already took (each probe measured the bystander too). */
  readonly steps: readonly BystanderStep[];
  readonly baseline: BystanderStats;
  readonly rule: HarmRule;
  /** runs `learners` on the link with the bystander beside them and returns that step. */
  readonly probe: (learners: number) => Promise<BystanderStep>;
  /** the site's expected learners: probed once if no step has them, for the p95 at expected. */
  readonly expectedLearners: number;
  readonly maxLearners: number;
  /** extra load runs at most (each costs real time); default 3. */
  readonly maxProbes?: number;
}

/**
 * After the playback search: bisects between the largest unharmed and the smallest harmed learner
 * counts until they are one apart, then probes the expected learners if no step had them. Bounded by
 * `maxProbes` runs. Returns every step, the playback search's first.
 */
export async function refineHarmBoundary(options: HarmSearchOptions): Promise<BystanderStep[]> {
  const steps = [...options.steps];
  const harmed = (step: BystanderStep) => harmReasons(step, options.baseline.p95Ms, options.rule).length > 0;
  let budget = options.maxProbes ?? 3;
  for (let next = nextHarmProbe(steps, harmed); next !== undefined && budget > 0; budget -= 1) {
    steps.push(await options.probe(next));
    next = nextHarmProbe(steps, harmed);
  }
  const expected = options.expectedLearners;
  if (expected <= options.maxLearners && !steps.some((s) => s.learners === expected))
    steps.push(await options.probe(expected));
  return steps;
}
