import { z } from "zod";
import { boundedCapacity, type CapacityBound, capacityBounds } from "../capacity/bystander-harm.ts";
import type { BystanderResult } from "../capacity/bystander-schema.ts";
import { fmtInt, fmtMs } from "./format.ts";

/**
 * The bystander in a site row: a business application that shared the measured link with the learners.
 * The verdict counts on the smaller of the playback capacity and harmlessMax; `capacityBound` says which.
 */
export const siteBystanderSchema = z.object({
  baselineP95Ms: z.number(),
  harmLineMs: z.number(),
  harmRule: z.object({ p95Factor: z.number(), p95LimitMs: z.number(), maxErrors: z.number() }),
  steps: z.array(z.object({ learners: z.number().int(), p95Ms: z.number(), errors: z.number().int() })),
  harmlessMax: z.number().int().nonnegative(),
  /** no probe harmed the bystander: harmlessMax is a lower bound. */
  capped: z.boolean(),
  p95AtExpectedMs: z.number().nullable(),
});
export type SiteBystander = z.infer<typeof siteBystanderSchema>;
export { boundedCapacity, type CapacityBound, capacityBounds };

export function siteBystander(result: BystanderResult): SiteBystander {
  return {
    baselineP95Ms: result.baselineP95Ms,
    harmLineMs: result.harmLineMs,
    harmRule: { ...result.harmRule },
    steps: result.steps.map(({ learners, p95Ms, errors }) => ({ learners, p95Ms, errors })),
    harmlessMax: result.harmlessMax,
    capped: result.capped,
    p95AtExpectedMs: result.p95AtExpectedMs,
  };
}

/** For IT: what the bystander saw, and whether it set the capacity. */
export function bystanderIt(bystander: SiteBystander, bound: CapacityBound, expected: number): string {
  const atExpected =
    bystander.p95AtExpectedMs === null
      ? ""
      : `, ${fmtMs(bystander.p95AtExpectedMs)} with the ${fmtInt(expected)} expected learners`;
  const harmless = bystander.capped
    ? `no probe harmed it (harmlessMax at least ${fmtInt(bystander.harmlessMax)})`
    : `harmlessMax ${fmtInt(bystander.harmlessMax)}`;
  const decided =
    bound === "harm"
      ? "bound by harm to the other applications, not by playback"
      : "bound by playback, not by harm";
  return `bystander p95 ${fmtMs(bystander.baselineP95Ms)} alone${atExpected} (harm above ${fmtMs(bystander.harmLineMs)}); ${harmless}; ${decided}`;
}

/** The table cell: "p95 45 ms alone, 180 ms at 9; harmless up to 2". */
export function bystanderCell(bystander: SiteBystander | null | undefined, expected: number): string {
  if (!bystander) return "not measured";
  const atExpected =
    bystander.p95AtExpectedMs === null ? "" : `, ${fmtMs(bystander.p95AtExpectedMs)} at ${fmtInt(expected)}`;
  const harmless = bystander.capped
    ? `unharmed up to ${fmtInt(bystander.harmlessMax)}`
    : `harmless up to ${fmtInt(bystander.harmlessMax)}`;
  return `p95 ${fmtMs(bystander.baselineP95Ms)} alone${atExpected}; ${harmless}`;
}
