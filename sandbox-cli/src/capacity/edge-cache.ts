import { z } from "zod";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import { boundedCapacity, capacityBounds } from "./bystander-harm.ts";
import { type BystanderResult, bystanderResultSchema } from "./bystander-schema.ts";
import type { CapacitySearchResult } from "./find-capacity.ts";
import { downlinkBudgetKbps, type LmsTraffic, nMaxFor, perLearnerKbps, type RenditionPeak } from "./model.ts";

/**
 * The cached form of the capacity model (pure). With an edge cache in the branch, the WAN carries each
 * segment once: one copy of the rendition in play (all viewers pinned to one rendition) plus every
 * learner's LMS traffic, which is not cached. The branch LAN then carries the learners' video from the
 * cache. Pre-positioning: the time to warm the cache over the training share of the link.
 */

/** What a branch LAN carries, Mbit/s: a switched office network (the spec has no figure for it). */
export const BRANCH_LAN_MBPS = 1000;

export const edgeCacheWhatIfSchema = z.object({
  kind: z.enum(["nginx", "varnish"]),
  /** whether the site declares this cache (else it is only proposed). */
  declared: z.boolean(),
  sizeMb: z.number().nullable(),
  rendition: z.string().nullable(),
  predictedNMax: z.number().int().nonnegative(),
  /** the cached N_max measured by a probe through a real cache (null: not measured). */
  measuredNMax: z.number().int().nonnegative().nullable(),
  /** seconds to warm the cache with the whole ladder, and with the rendition in play, at the share. */
  prepositionLadderS: z.number().nullable(),
  prepositionRenditionS: z.number().nullable(),
  /** the ladder's bytes (MB) against the cache's size. */
  ladderMb: z.number().nullable(),
  /** how measuredNMax was found: the same probe as the direct link, through the real cache. */
  measurement: z
    .object({
      /** learners at once that played well through the cache (a lower bound when capped). */
      playbackNMax: z.number().int().nonnegative(),
      /** no probe degraded up to the search's cap. */
      capped: z.boolean(),
      probes: z.number().int().nonnegative(),
      /** which bound set measuredNMax: playback, or harm to the bystander on the same WAN. */
      bound: z.enum(capacityBounds),
      bystander: bystanderResultSchema,
    })
    .nullable()
    .optional(),
});
export type EdgeCacheWhatIf = z.infer<typeof edgeCacheWhatIfSchema>;

type Link = Pick<ResolvedSite, "downlinkMbps" | "uplinkMbps" | "trainingShare">;

/** Learners at once with a cache: WAN = one copy of the rendition + N x LMS; LAN = N x (media + LMS). */
export function cachedNMax(link: Link, peakKbps: number, overhead: number, lms: LmsTraffic): number {
  const wanLeft = downlinkBudgetKbps(link) - perLearnerKbps(peakKbps, overhead, 0);
  if (wanLeft < 0) return 0;
  const wan = lms.downKbps > 0 ? Math.floor(wanLeft / lms.downKbps + 1e-9) : Number.MAX_SAFE_INTEGER;
  const lan = nMaxFor(
    { downlinkMbps: BRANCH_LAN_MBPS, uplinkMbps: BRANCH_LAN_MBPS, trainingShare: 1 },
    peakKbps,
    overhead,
    lms,
  );
  // the uplink still carries every learner's LMS traffic going up
  const up = nMaxFor(link, 0, overhead, { downKbps: 0, upKbps: lms.upKbps });
  return Math.max(0, Math.min(wan, lan, up));
}

/** Seconds to carry `megabytes` over the training share of the downlink. */
export const prepositionSeconds = (link: Link, megabytes: number) =>
  Math.round((megabytes * 8e3) / downlinkBudgetKbps(link));

/** The cache what-if of one site for the rendition in play (`rendition`, else the lowest). */
export function edgeCacheWhatIf(
  site: ResolvedSite,
  ladder: readonly RenditionPeak[],
  rendition: string | null,
  options: { overhead: number; lms: LmsTraffic; mediaDurationS?: number },
): EdgeCacheWhatIf {
  const inPlay = ladder.find((r) => r.rendition === rendition) ?? ladder[ladder.length - 1];
  const mb = (r: RenditionPeak) =>
    options.mediaDurationS ? ((r.averageKbps ?? r.peakKbps) * options.mediaDurationS) / 8000 : null;
  const ladderMb = options.mediaDurationS ? ladder.reduce((sum, r) => sum + (mb(r) ?? 0), 0) : null;
  const renditionMb = inPlay ? mb(inPlay) : null;
  return {
    kind: site.edgeCache?.kind ?? "nginx",
    declared: site.edgeCache !== undefined,
    sizeMb: site.edgeCache?.sizeMb ?? null,
    rendition: inPlay?.rendition ?? null,
    predictedNMax: cachedNMax(site, inPlay?.peakKbps ?? 0, options.overhead, options.lms),
    measuredNMax: null,
    prepositionLadderS: ladderMb === null ? null : prepositionSeconds(site, ladderMb),
    prepositionRenditionS: renditionMb === null ? null : prepositionSeconds(site, renditionMb),
    ladderMb: ladderMb === null ? null : Math.round(ladderMb * 10) / 10,
  };
}

/** The what-if with the figures a probe through the real cache measured (min of playback and harm). */
export function withCacheMeasurement(
  whatIf: EdgeCacheWhatIf,
  search: CapacitySearchResult,
  bystander: BystanderResult,
): EdgeCacheWhatIf {
  const { capacity, bound } = boundedCapacity(search.measuredNMax, bystander);
  return {
    ...whatIf,
    measuredNMax: capacity,
    measurement: {
      playbackNMax: search.measuredNMax,
      capped: search.capped,
      probes: search.probes.length,
      bound,
      bystander,
    },
  };
}
