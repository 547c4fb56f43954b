import { downlinkNeededMbps, trainingBudget } from "../capacity/link-share.ts";
import { fmtInt, fmtMbps } from "./format.ts";
import type { Reason, SiteRow, VerdictChange } from "./schema.ts";

/** The id a change uses to name the reason it lifts. */
export const reasonKey = (r: Pick<Reason, "rule" | "subject">) => `${r.rule}:${r.subject}`;

/** Link speeds offered as upgrades, Mbit/s: the tiers a carrier sells, not an exact quotient. */
export const LINK_TIERS_MBPS = [2, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10_000];

/**
 * Changes that would let every expected learner at a short site in at the top video quality:
 *  - drop renditions: the highest lower rendition that fits every short site, offered once for the
 *    course (renditions are the course's, not a site's);
 *  - upgrade a site's link: the smallest tier whose share carries every learner at the top rendition,
 *    from the model's per-learner Mbit/s;
 *  - the capacity model's own what-ifs whose prediction covers the learners, listed for IT (the
 *    player may settle on a lower rendition there, so they do not count as lifting a reason);
 *  - waves, for a site far over capacity: turns its blocking reason into a condition.
 */
export function proposeSiteChanges(
  siteReasons: readonly Reason[],
  sites: readonly SiteRow[],
): VerdictChange[] {
  const changes: VerdictChange[] = [];
  const short = siteReasons
    .map((reason) => ({ reason, site: sites.find((s) => s.site === reason.subject) }))
    .filter((x): x is { reason: Reason; site: SiteRow } => x.site !== undefined);

  const ladderDrop = renditionToKeep(short.map((x) => x.site));
  if (ladderDrop) {
    changes.push({
      change: `drop the ${ladderDrop.dropped.join(" and ")} rendition${ladderDrop.dropped.length > 1 ? "s" : ""}`,
      lifts: short.map((x) => reasonKey(x.reason)),
      effect: `every site then fits its learners at ${ladderDrop.keep} (${short.map((x) => x.site.site).join(", ")})`,
    });
  }
  for (const { reason, site } of short) {
    const upgrade = linkUpgrade(site);
    if (upgrade) changes.push({ ...upgrade, lifts: [reasonKey(reason)] });
  }
  const modelWhatIfs = new Map<string, string[]>();
  for (const { site } of short) {
    for (const what of site.whatIf) {
      const label = phraseWhatIf(what.change, site.site);
      if (what.predictedNMax < site.expectedLearners || changes.some((c) => c.change === label)) continue;
      const figures = modelWhatIfs.get(label) ?? [];
      figures.push(
        `${fmtInt(what.predictedNMax)} at once at ${site.site} for ${fmtInt(site.expectedLearners)} expected`,
      );
      modelWhatIfs.set(label, figures);
    }
  }
  for (const [label, figures] of modelWhatIfs) {
    changes.push({
      change: label,
      lifts: [],
      effect: `the capacity model predicts ${figures.join("; ")}, the player settling on a lower rendition if needed`,
    });
  }
  for (const { reason, site } of short) {
    const capacity = site.capacity ?? 0;
    if (reason.rule !== "site-over-capacity" || capacity < 1) continue;
    changes.push({
      change: `schedule site ${site.site} in ${Math.ceil(site.expectedLearners / capacity)} waves of at most ${fmtInt(capacity)} learners`,
      lifts: [],
      effect: "turns the blocking reason for this site into a condition",
    });
  }
  return changes;
}

function linkUpgrade(site: SiteRow): Omit<VerdictChange, "lifts"> | null {
  const top = site.renditions[0];
  if (!top || site.trainingShare <= 0) return null;
  const needed = downlinkNeededMbps(site.expectedLearners * top.perLearnerMbps, site.trainingShare);
  const tier = LINK_TIERS_MBPS.find((t) => t >= needed && t > site.downlinkMbps);
  if (tier === undefined) return null;
  const carries = Math.floor(trainingBudget({ ...site, downlinkMbps: tier }).downMbps / top.perLearnerMbps);
  return {
    change: `upgrade site ${site.site} to ${fmtMbps(tier)}`,
    effect: `${fmtInt(carries)} at once at ${top.rendition} for ${fmtInt(site.expectedLearners)} expected (${fmtMbps(top.perLearnerMbps)} per learner, ${Math.round(site.trainingShare * 100)}% of the link for training)`,
  };
}

/** The highest lower rendition that lets every short site in, and the renditions above it. */
function renditionToKeep(shortSites: readonly SiteRow[]): { keep: string; dropped: string[] } | null {
  const ladder = shortSites[0]?.renditions ?? [];
  for (let i = 1; i < ladder.length; i++) {
    const candidate = ladder[i]?.rendition as string;
    const fitsAll = shortSites.every((s) => {
      const rung = s.renditions.find((r) => r.rendition === candidate);
      return rung !== undefined && rung.predictedNMax >= s.expectedLearners;
    });
    if (fitsAll) return { keep: candidate, dropped: ladder.slice(0, i).map((r) => r.rendition) };
  }
  return null;
}

/**
 * The capacity model words its what-ifs for IT ("downlink 10 Mbit/s -> 20 Mbit/s", "ladder without
 * its top rendition (720p)"); the report says them as the change to make.
 */
export function phraseWhatIf(change: string, site: string): string {
  const dropped = /^ladder without its top rendition \((.+)\)$/.exec(change);
  if (dropped) return `drop the ${dropped[1]} rendition`;
  const link =
    /^downlink [\d.]+ Mbit\/s -> ([\d.]+ Mbit\/s)(?:, uplink [\d.]+ Mbit\/s -> ([\d.]+ Mbit\/s))?$/.exec(
      change,
    );
  if (link) return `upgrade site ${site} to ${link[1]}${link[2] ? ` down / ${link[2]} up` : ""}`;
  if (change.startsWith("drop ") || change.includes(site)) return change;
  return `${change} (site ${site})`;
}
