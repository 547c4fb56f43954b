import { z } from "zod";

/** The capacity model's output for one site: predicted (and, when run, measured) simultaneous learners. */
export const renditionCapacitySchema = z.object({
  rendition: z.string(),
  /** measured peak segment bitrate of the packaged media, kbit/s. */
  peakKbps: z.number(),
  /** what one learner needs on the link, Mbit/s (media x (1 + overhead) + LMS traffic). */
  perLearnerMbps: z.number(),
  predictedNMax: z.number().int().nonnegative(),
});

export const siteCapacitySchema = z.object({
  site: z.string(),
  downlinkMbps: z.number(),
  uplinkMbps: z.number(),
  rttMs: z.number(),
  trainingShare: z.number(),
  expectedLearners: z.number().int(),
  lmsPerLearnerKbps: z.number(),
  renditions: z.array(renditionCapacitySchema),
  /** N_max for the rendition the player would settle on (the top one that fits). */
  predictedNMax: z.number().int().nonnegative(),
  measuredNMax: z.number().int().nonnegative().nullable(),
  /** the throughput a shaped-link run actually saw, Mbit/s (null when not measured). */
  measuredThroughputMbps: z.number().nullable(),
  whatIf: z.array(z.object({ change: z.string(), predictedNMax: z.number().int().nonnegative() })),
});

export const capacityResultSchema = z.object({
  schemaVersion: z.literal(1),
  overhead: z.number(),
  sites: z.array(siteCapacitySchema),
});

export type CapacityResult = z.infer<typeof capacityResultSchema>;
export type SiteCapacity = z.infer<typeof siteCapacitySchema>;
