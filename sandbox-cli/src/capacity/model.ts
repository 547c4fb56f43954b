import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import { trainingBudget } from "./link-share.ts";
import type { CapacityResult, SiteCapacity } from "./result-schema.ts";

/** What the model needs of a rendition: its measured peak segment bitrate. */
export interface RenditionPeak {
  readonly rendition: string;
  readonly peakKbps: number;
}

/** What the LMS (pages, SCO assets, runtime commits) adds per learner on top of the video, kbit/s. */
export interface LmsTraffic {
  readonly downKbps: number;
  readonly upKbps: number;
}

/** A what-if: a proposed link, or the ladder without its top rendition. */
export type WhatIf =
  | { readonly kind: "link"; readonly downlinkMbps: number; readonly uplinkMbps?: number }
  | { readonly kind: "drop-top-rendition" };

export interface CapacityOptions {
  /** protocol overhead added to media bitrates (0.1 = 10%), from the policy. */
  readonly overhead: number;
  readonly lms: LmsTraffic;
  /** defaults to: the downlink doubled, and the ladder without its top rendition. */
  readonly whatIfs?: readonly WhatIf[];
}

type Link = Pick<ResolvedSite, "downlinkMbps" | "uplinkMbps" | "trainingShare">;

// Guards floor() against 4.999999 from binary fractions (e.g. 0.3 x 1000).
const EPSILON = 1e-9;
const floorCount = (value: number) =>
  Number.isFinite(value) ? Math.max(0, Math.floor(value + EPSILON)) : Number.MAX_SAFE_INTEGER;

/** One learner's need on the downlink for a rendition: media x (1 + overhead) + LMS traffic, kbit/s. */
export const perLearnerKbps = (peakKbps: number, overhead: number, lmsDownKbps: number) =>
  peakKbps * (1 + overhead) + lmsDownKbps;

/**
 * N_max = floor(downlink x share / per-learner need), and no more than the uplink carries for the LMS
 * traffic going up (floor(uplink x share / LMS up per learner)).
 */
export function nMaxFor(link: Link, peakKbps: number, overhead: number, lms: LmsTraffic): number {
  const budget = trainingBudget(link);
  const down = floorCount((budget.downMbps * 1000) / perLearnerKbps(peakKbps, overhead, lms.downKbps));
  const up = lms.upKbps > 0 ? floorCount((budget.upMbps * 1000) / lms.upKbps) : Number.MAX_SAFE_INTEGER;
  return Math.min(down, up);
}

/**
 * The rendition the player settles on when `learners` watch at once: the highest whose N_max covers
 * them, else the lowest (nothing better fits). Returns its index in `ladder` (sorted high to low).
 */
export function settledRendition(nMaxes: readonly number[], learners: number): number {
  const fits = nMaxes.findIndex((n) => n >= learners);
  return fits === -1 ? nMaxes.length - 1 : fits;
}

function siteNMax(
  link: Link,
  ladder: readonly RenditionPeak[],
  learners: number,
  overhead: number,
  lms: LmsTraffic,
): { nMax: number; rendition: string | null } {
  if (ladder.length === 0) return { nMax: nMaxFor(link, 0, overhead, lms), rendition: null };
  const nMaxes = ladder.map((rendition) => nMaxFor(link, rendition.peakKbps, overhead, lms));
  const index = settledRendition(nMaxes, learners);
  return { nMax: nMaxes[index] ?? 0, rendition: ladder[index]?.rendition ?? null };
}

const formatMbps = (value: number) => `${Number(value.toFixed(3))} Mbit/s`;

export function describeWhatIf(whatIf: WhatIf, site: Link, ladder: readonly RenditionPeak[]): string {
  if (whatIf.kind === "drop-top-rendition")
    return `ladder without its top rendition (${ladder[0]?.rendition ?? "none"})`;
  const up =
    whatIf.uplinkMbps === undefined
      ? ""
      : `, uplink ${formatMbps(site.uplinkMbps)} -> ${formatMbps(whatIf.uplinkMbps)}`;
  return `downlink ${formatMbps(site.downlinkMbps)} -> ${formatMbps(whatIf.downlinkMbps)}${up}`;
}

export function defaultWhatIfs(site: Link): WhatIf[] {
  return [{ kind: "link", downlinkMbps: site.downlinkMbps * 2 }, { kind: "drop-top-rendition" }];
}

/** The capacity of one site for the measured ladder (sorted or not), with its what-ifs. Pure. */
export function siteCapacity(
  site: ResolvedSite,
  renditions: readonly RenditionPeak[],
  options: CapacityOptions,
): SiteCapacity {
  const ladder = [...renditions].sort((a, b) => b.peakKbps - a.peakKbps);
  const whatIfs = options.whatIfs ?? defaultWhatIfs(site);
  const settled = siteNMax(site, ladder, site.learners, options.overhead, options.lms);
  return {
    site: site.name,
    downlinkMbps: site.downlinkMbps,
    uplinkMbps: site.uplinkMbps,
    rttMs: site.rttMs,
    trainingShare: site.trainingShare,
    expectedLearners: site.learners,
    lmsPerLearnerKbps: options.lms.downKbps,
    renditions: ladder.map((rendition) => ({
      rendition: rendition.rendition,
      peakKbps: rendition.peakKbps,
      perLearnerMbps: perLearnerKbps(rendition.peakKbps, options.overhead, options.lms.downKbps) / 1000,
      predictedNMax: nMaxFor(site, rendition.peakKbps, options.overhead, options.lms),
    })),
    predictedNMax: settled.nMax,
    settledRendition: settled.rendition,
    measuredNMax: null,
    measuredThroughputMbps: null,
    whatIf: whatIfs.map((whatIf) => {
      const outcome =
        whatIf.kind === "drop-top-rendition"
          ? siteNMax(
              site,
              ladder.length > 1 ? ladder.slice(1) : ladder,
              site.learners,
              options.overhead,
              options.lms,
            )
          : siteNMax(
              {
                ...site,
                downlinkMbps: whatIf.downlinkMbps,
                uplinkMbps: whatIf.uplinkMbps ?? site.uplinkMbps,
              },
              ladder,
              site.learners,
              options.overhead,
              options.lms,
            );
      return {
        change: describeWhatIf(whatIf, site, ladder),
        predictedNMax: outcome.nMax,
        settledRendition: outcome.rendition,
      };
    }),
  };
}

/** The whole capacity result: every site against the measured ladder. */
export function capacityResult(
  sites: readonly ResolvedSite[],
  media: readonly (RenditionPeak & { nominalKbps: number | null; averageKbps: number })[],
  options: CapacityOptions,
): CapacityResult {
  return {
    schemaVersion: 1,
    overhead: options.overhead,
    media: media.map(({ rendition, nominalKbps, peakKbps, averageKbps }) => ({
      rendition,
      nominalKbps,
      peakKbps,
      averageKbps,
    })),
    sites: sites.map((site) => siteCapacity(site, media, options)),
  };
}
