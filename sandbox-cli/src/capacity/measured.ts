import { usageError } from "../errors.ts";
import type { CapacitySearchResult } from "./find-capacity.ts";
import type { SiteCapacity } from "./result-schema.ts";

/** One rendition of the packaged media, measured from its segment files. */
export interface MeasuredRendition {
  readonly rendition: string;
  /** the master playlist's BANDWIDTH, kbit/s (null for a media playlist without a master). */
  readonly nominalKbps: number | null;
  /** highest segment bytes*8/duration over every video of the course, kbit/s. */
  readonly peakKbps: number;
  readonly averageKbps: number;
  readonly height: number | null;
  /** the media playlists (relative to the folder) this rendition was measured from. */
  readonly playlists: string[];
}

/** The site's predicted capacity with a capacity search's result beside it (pure). */
export function withMeasurement(
  predicted: SiteCapacity,
  search: CapacitySearchResult,
  extra: { rendition: string | null; throughputMbps?: number | null },
): SiteCapacity {
  return {
    ...predicted,
    measuredNMax: search.measuredNMax,
    measuredThroughputMbps: extra.throughputMbps ?? predicted.measuredThroughputMbps,
    measurement: {
      rendition: extra.rendition,
      probes: search.probes.map(
        ({ learners, rebufferRatio, p95SegmentFetchOverDuration, errorRate, degraded, reasons }) => ({
          learners,
          rebufferRatio,
          // JSON has no Infinity: a run without a single segment is reported as 999 (far beyond any limit).
          p95SegmentFetchOverDuration: Number.isFinite(p95SegmentFetchOverDuration)
            ? p95SegmentFetchOverDuration
            : 999,
          errorRate,
          degraded,
          reasons,
        }),
      ),
      resolved: search.resolved,
      capped: search.capped,
    },
  };
}

/** Relative gap between predicted and measured N_max (|p - m| / m; 0 when both are 0). */
export function predictionError(predicted: number, measured: number): number {
  if (measured === 0) return predicted === 0 ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(predicted - measured) / measured;
}

/** The model's N_max for `rendition` (the settled one when null or unknown). */
export function predictedForRendition(site: SiteCapacity, rendition: string | null): number {
  return site.renditions.find((r) => r.rendition === rendition)?.predictedNMax ?? site.predictedNMax;
}

/**
 * The rendition a capacity probe pins its viewers to. Players that adapt would settle on whatever
 * fits their share of the link, so the measured N_max would belong to no rendition in particular;
 * pinned, it is compared with the model's N_max for that same rendition.
 */
export function renditionToPin(
  ladder: readonly MeasuredRendition[],
  name: string | undefined,
): MeasuredRendition | undefined {
  if (name === undefined) return undefined;
  const found = ladder.find((r) => r.rendition === name);
  if (!found) {
    throw usageError(
      "CAPACITY_UNKNOWN_RENDITION",
      `the published ladder has no rendition "${name}"`,
      `use one of: ${ladder.map((r) => r.rendition).join(", ") || "(no rendition published)"}`,
    );
  }
  return found;
}
