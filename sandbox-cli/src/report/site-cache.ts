import { edgeCacheWhatIfSchema } from "../capacity/edge-cache.ts";
import { cacheMeasuredWords } from "../capacity/edge-cache-render.ts";
import { fmtInt } from "./format.ts";
import type { SiteRow, VerdictChange } from "./schema.ts";

/** The branch edge cache what-if in a site row (capacity/edge-cache.ts). */
export const siteCacheSchema = edgeCacheWhatIfSchema;

const fmtDuration = (s: number) =>
  s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.round(s / 60)} min` : `${s} s`;

/** "warm it in 12 min with the whole ladder (4 min with 720p only) at the training share". */
export function prepositionWords(cache: NonNullable<SiteRow["edgeCache"]>): string | null {
  if (cache.prepositionLadderS === null) return null;
  const one =
    cache.prepositionRenditionS !== null && cache.rendition
      ? ` (${fmtDuration(cache.prepositionRenditionS)} with ${cache.rendition} only)`
      : "";
  const size =
    cache.ladderMb !== null && cache.sizeMb !== null && cache.ladderMb > cache.sizeMb
      ? `; the ladder's ${cache.ladderMb} MB exceed the cache's ${cache.sizeMb} MB`
      : "";
  return `pre-positioning the whole ladder${cache.ladderMb !== null ? ` (${cache.ladderMb} MB)` : ""} takes ${fmtDuration(cache.prepositionLadderS)}${one} at the training share of the link, e.g. overnight${size}`;
}

/**
 * "put a cache in the branch" for a short site: the cached form's prediction, the measured figure
 * when a probe ran through a real cache, and the pre-positioning time. It lifts the site's reason only
 * when measured: a what-if never counts as measured unless a probe ran it.
 */
export function cacheChange(site: SiteRow, reasonKey: string): VerdictChange | null {
  const cache = site.edgeCache;
  if (!cache) return null;
  const measured = cacheMeasuredWords(cache, site.expectedLearners);
  const lifts = cache.measuredNMax !== null && cache.measuredNMax >= site.expectedLearners;
  const preposition = prepositionWords(cache);
  return {
    change: `put ${cache.kind === "varnish" ? "a Varnish" : "an nginx"} cache in site ${site.site}`,
    lifts: lifts ? [reasonKey] : [],
    effect: `the WAN then carries each segment once: predicted ${fmtInt(cache.predictedNMax)} at once${cache.rendition ? ` at ${cache.rendition}` : ""} for ${fmtInt(site.expectedLearners)} expected, ${measured}${preposition ? `; ${preposition}` : ""}`,
  };
}

/** The site table's cell: "nginx: 30 or more measured at 720p (model 73)"; blank for a site without one. */
export function cacheCell(site: SiteRow): string {
  const cache = site.edgeCache;
  if (!cache?.declared) return "none declared";
  const at = cache.rendition ? ` at ${cache.rendition}` : "";
  const m = cache.measurement;
  if (cache.measuredNMax === null || !m)
    return `${cache.kind}: model ${fmtInt(cache.predictedNMax)}${at}, not measured`;
  const atLeast = m.bound === "playback" && m.capped ? " or more" : "";
  return `${cache.kind}: ${fmtInt(cache.measuredNMax)}${atLeast} measured${at} (model ${fmtInt(cache.predictedNMax)}; bound by ${m.bound})`;
}
