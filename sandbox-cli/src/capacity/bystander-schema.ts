import { z } from "zod";

/** What the bystander measured at a site: its baseline, each probe's step, and the harm boundary. */
export const bystanderStepSchema = z.object({
  learners: z.number().int().positive(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  harmed: z.boolean(),
  reasons: z.array(z.string()),
});

export const bystanderResultSchema = z.object({
  baselineP50Ms: z.number(),
  baselineP95Ms: z.number(),
  baselineP99Ms: z.number(),
  baselineErrors: z.number().int().nonnegative(),
  /** the spec's policy.bystanderHarm, as applied. */
  harmRule: z.object({ p95Factor: z.number(), p95LimitMs: z.number(), maxErrors: z.number() }),
  /** the p95 above which the bystander is harmed (min of factor x baseline and the limit). */
  harmLineMs: z.number(),
  steps: z.array(bystanderStepSchema),
  /** the most learners at once before the bystander was harmed, measured. */
  harmlessMax: z.number().int().nonnegative(),
  /** true when no probe harmed it: harmlessMax is then a lower bound. */
  capped: z.boolean(),
  /** the bystander's p95 with the site's expected learners on the link (null when not probed). */
  p95AtExpectedMs: z.number().nullable(),
});

export type BystanderResult = z.infer<typeof bystanderResultSchema>;
