import { z } from "zod";
import { bystanderResultSchema } from "./bystander-schema.ts";

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
  /** that rendition: the highest whose N_max covers expectedLearners, else the lowest (null without media). */
  settledRendition: z.string().nullable().optional(),
  measuredNMax: z.number().int().nonnegative().nullable(),
  /** the throughput a shaped-link run actually saw, Mbit/s (null when not measured). */
  measuredThroughputMbps: z.number().nullable(),
  /** how the measured N_max was found (probes through the shaped link), when it was. */
  measurement: z
    .object({
      rendition: z.string().nullable(),
      probes: z.array(
        z.object({
          learners: z.number().int().positive(),
          rebufferRatio: z.number(),
          p95SegmentFetchOverDuration: z.number(),
          errorRate: z.number(),
          degraded: z.boolean(),
          reasons: z.array(z.string()),
        }),
      ),
      /** false when the probe budget ran out before the boundary was pinned to one learner. */
      resolved: z.boolean(),
      /** true when no probe degraded up to the search's cap (measuredNMax is then a lower bound). */
      capped: z.boolean(),
    })
    .nullable()
    .optional(),
  /** the business application that shared the probe's link: its latency per probe and harmlessMax. */
  bystander: bystanderResultSchema.nullable().optional(),
  whatIf: z.array(
    z.object({
      change: z.string(),
      predictedNMax: z.number().int().nonnegative(),
      /** the rendition that N_max is for (a faster link may let the site settle on a better one). */
      settledRendition: z.string().nullable().optional(),
    }),
  ),
});

/** The packaged media's ladder as measured from its segments (nominal = the playlist's BANDWIDTH). */
export const measuredRenditionSchema = z.object({
  rendition: z.string(),
  nominalKbps: z.number().nullable(),
  peakKbps: z.number(),
  averageKbps: z.number(),
});

export const capacityResultSchema = z.object({
  schemaVersion: z.literal(1),
  overhead: z.number(),
  media: z.array(measuredRenditionSchema).optional(),
  sites: z.array(siteCapacitySchema),
});

export type CapacityResult = z.infer<typeof capacityResultSchema>;
export type SiteCapacity = z.infer<typeof siteCapacitySchema>;
