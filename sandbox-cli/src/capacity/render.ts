import type { CapacityResult } from "./result-schema.ts";

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
    if (site.measuredNMax !== null) lines.push(`  measured N_max ${site.measuredNMax}`);
    for (const w of site.whatIf)
      lines.push(
        `  what if ${w.change}: N_max ${w.predictedNMax}${w.settledRendition ? ` at ${w.settledRendition}` : ""}`,
      );
  }
  return lines.join("\n").trimStart();
}
