import type { SiteCapacity } from "./result-schema.ts";

/**
 * `--find-capacity`'s second line: what the learners did to the business application sharing the
 * link, and which of the two figures (playback, harm) bounds the site.
 */
export function describeBystander(site: SiteCapacity): string | null {
  const bystander = site.bystander;
  if (!bystander || site.measuredNMax === null) return null;
  const firstHarmed = bystander.steps.find((s) => s.harmed);
  const harm = firstHarmed
    ? `harmed from ${firstHarmed.learners} learners (${firstHarmed.reasons.join("; ")})`
    : `never harmed up to ${bystander.harmlessMax} learners`;
  const bound =
    !bystander.capped && bystander.harmlessMax < site.measuredNMax
      ? `learners at once: ${bystander.harmlessMax} (bound by harm to other applications; playback allows ${site.measuredNMax})`
      : `learners at once: ${site.measuredNMax} (bound by playback${bystander.capped ? "" : `; harmlessMax ${bystander.harmlessMax}`})`;
  return `site ${site.site}: other applications: p95 ${bystander.baselineP95Ms} ms alone, harm above ${bystander.harmLineMs} ms; ${harm}; harmlessMax ${bystander.harmlessMax}${bystander.capped ? " or more" : ""}\nsite ${site.site}: ${bound}`;
}
