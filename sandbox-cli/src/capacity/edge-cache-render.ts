import type { EdgeCacheWhatIf } from "./edge-cache.ts";

/** "measured 50 or more at once (bound by playback; other applications: p95 31 ms with 9 learners)". */
export function cacheMeasuredWords(cache: EdgeCacheWhatIf, expectedLearners: number): string {
  const m = cache.measurement;
  if (cache.measuredNMax === null || !m) return "not measured";
  const atLeast = m.bound === "playback" && m.capped ? " or more" : "";
  const p95 = m.bystander.p95AtExpectedMs;
  const bystander =
    p95 === null
      ? `harmlessMax ${m.bystander.harmlessMax}${m.bystander.capped ? " or more" : ""}`
      : `other applications' p95 ${p95} ms with ${expectedLearners} learners (${m.bystander.baselineP95Ms} ms alone)`;
  return `measured ${cache.measuredNMax}${atLeast} at once (bound by ${m.bound}; ${bystander})`;
}

/** `--find-capacity`'s line for a site measured again through its edge cache. */
export function describeCachedSite(site: string, cache: EdgeCacheWhatIf, expectedLearners: number): string {
  return `site ${site} with ${cache.kind === "varnish" ? "a Varnish" : "an nginx"} cache in the branch${cache.rendition ? `, every viewer at ${cache.rendition}` : ""}: ${cacheMeasuredWords(cache, expectedLearners)}, predicted ${cache.predictedNMax}`;
}
