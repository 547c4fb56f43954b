import { predictionError } from "./measured.ts";
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
    if (site.measuredNMax !== null) lines.push(`  ${describeMeasuredSite(site).replace(/^site \S+: /, "")}`);
    for (const w of site.whatIf)
      lines.push(
        `  what if ${w.change}: N_max ${w.predictedNMax}${w.settledRendition ? ` at ${w.settledRendition}` : ""}`,
      );
  }
  return lines.join("\n").trimStart();
}

/**
 * One line for a site whose capacity was measured: the measured N_max beside the model's N_max for the
 * same rendition (the one the probe pinned), and how far apart they are.
 */
export function describeMeasuredSite(site: SiteCapacity): string {
  if (site.measuredNMax === null)
    return `site ${site.site}: predicted N_max ${site.predictedNMax}, not measured`;
  const rendition = site.measurement?.rendition ?? null;
  const predicted = predictedForRendition(site, rendition);
  const gap = predictionError(predicted, site.measuredNMax);
  const bound = site.measurement?.capped ? " or more (no probe degraded up to the cap)" : "";
  const unresolved =
    site.measurement && !site.measurement.resolved ? " (probe budget ran out: a lower bound)" : "";
  return [
    `site ${site.site}: `,
    rendition ? `every viewer at ${rendition}: ` : "",
    `measured N_max ${site.measuredNMax}${bound}${unresolved}, predicted ${predicted}`,
    Number.isFinite(gap) ? ` (${Math.round(gap * 100)}% apart)` : "",
  ].join("");
}

/** The model's N_max for `rendition` (the settled one when null or unknown). */
export function predictedForRendition(site: SiteCapacity, rendition: string | null): number {
  return site.renditions.find((r) => r.rendition === rendition)?.predictedNMax ?? site.predictedNMax;
}
