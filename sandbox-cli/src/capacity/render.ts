import { describeBystander } from "./bystander-render.ts";
import { describeCachedSite } from "./edge-cache-render.ts";
import { predictedForRendition, predictionError } from "./measured.ts";
import type { CapacityResult, SiteCapacity } from "./result-schema.ts";

const kbps = (value: number) => `${Math.round(value)} kbit/s`;

/** The capacity result as text for people: the measured ladder, then one block per site. */
export function renderCapacity(result: CapacityResult): string {
  const lines: string[] = [];
  if (result.media && result.media.length > 0) {
    lines.push(`media ladder (measured from the segments, overhead ${Math.round(result.overhead * 100)}%):`);
    for (const m of result.media) {
      const nominal = m.nominalKbps === null ? "no master" : `nominal ${kbps(m.nominalKbps)}`;
      lines.push(
        `  ${m.rendition.padEnd(10)} peak ${kbps(m.peakKbps).padEnd(14)} average ${kbps(m.averageKbps).padEnd(14)} ${nominal}`,
      );
    }
  }
  for (const site of result.sites) {
    const fits = site.predictedNMax >= site.expectedLearners;
    lines.push(
      "",
      `${site.site}: ${site.downlinkMbps}/${site.uplinkMbps} Mbit/s, rtt ${site.rttMs} ms, training share ${Math.round(site.trainingShare * 100)}%, LMS ${kbps(site.lmsPerLearnerKbps)} per learner`,
    );
    for (const r of site.renditions) {
      lines.push(
        `  ${r.rendition.padEnd(10)} ${r.perLearnerMbps.toFixed(3)} Mbit/s per learner -> N_max ${r.predictedNMax}`,
      );
    }
    lines.push(
      `  predicted N_max ${site.predictedNMax}${site.settledRendition ? ` at ${site.settledRendition}` : ""} for ${site.expectedLearners} expected learners: ${fits ? "fits" : "DOES NOT FIT"}`,
    );
    if (site.measuredNMax !== null) lines.push(`  ${measuredBesidePredicted(site)}`);
    for (const w of site.whatIf)
      lines.push(
        `  what if ${w.change}: N_max ${w.predictedNMax}${w.settledRendition ? ` at ${w.settledRendition}` : ""}`,
      );
  }
  return lines.join("\n").trimStart();
}

/** `sandbox loadtest --find-capacity`'s answer: the site and its measured N_max beside the model's. */
export function describeMeasuredSite(site: SiteCapacity): string {
  if (site.measuredNMax === null)
    return `site ${site.site}: predicted N_max ${site.predictedNMax}, not measured`;
  const bystander = describeBystander(site);
  const cache = site.edgeCache?.measurement
    ? describeCachedSite(site.site, site.edgeCache, site.expectedLearners)
    : null;
  return [`site ${site.site}: ${measuredBesidePredicted(site)}`, bystander, cache]
    .filter((line) => line !== null)
    .join("\n");
}

/**
 * The measured N_max beside the model's N_max for the same rendition (the one the probe pinned), and
 * how far apart they are.
 */
function measuredBesidePredicted(site: SiteCapacity): string {
  const rendition = site.measurement?.rendition ?? null;
  const predicted = predictedForRendition(site, rendition);
  const measured = site.measuredNMax ?? 0;
  const gap = predictionError(predicted, measured);
  const bound = site.measurement?.capped ? " or more (no probe degraded up to the cap)" : "";
  const unresolved =
    site.measurement && !site.measurement.resolved ? " (probe budget ran out: a lower bound)" : "";
  return [
    rendition ? `every viewer at ${rendition}: ` : "",
    `measured N_max ${measured}${bound}${unresolved}, predicted ${predicted}`,
    Number.isFinite(gap) ? ` (${Math.round(gap * 100)}% apart)` : "",
  ].join("");
}
