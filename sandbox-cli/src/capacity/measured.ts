import type { CapacitySearchResult } from "./find-capacity.ts";
import type { SiteCapacity } from "./result-schema.ts";

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
