import type { OutageWindow } from "../loadtest/result-schema.ts";
import { fmtInt, fmtSeconds } from "./format.ts";
import type { CourseSection, Report, SiteRow } from "./schema.ts";

/** Phrases shared by the html and markdown renderings. */
export const reportTitle = (report: Report) =>
  `Promotion report: ${report.course?.title ?? report.sandbox.name}`;

export function fitLabel(site: SiteRow): string {
  const label = fitWords(site);
  return site.capacityBound === "harm" ? `${label}, bound by harm to other applications` : label;
}

function fitWords(site: SiteRow): string {
  switch (site.fit) {
    case "fits":
      return "fits";
    case "smaller-rendition":
      return `fits at ${site.fittingRendition}`;
    case "fewer-learners":
      return `fits ${fmtInt(site.capacity ?? 0)} at once${lowerRendition(site)} (waves)`;
    case "over-capacity":
      return "over capacity";
    default:
      return "unknown";
  }
}

/** The model's N_max with the rendition it is for, e.g. "1 at 720p". */
export function predictedCell(site: SiteRow): string {
  if (site.predictedNMax === null) return "n/a";
  return `${fmtInt(site.predictedNMax)}${site.predictedRendition ? ` at ${site.predictedRendition}` : ""}`;
}

/** The measured N_max, the rendition it was measured at and the model's figure for that rendition. */
export function measuredCell(site: SiteRow): string {
  if (site.measuredNMax === null) return "not measured";
  const at = site.measuredRendition ? ` at ${site.measuredRendition}` : "";
  const model =
    site.predictedAtMeasuredRendition === null || site.predictedAtMeasuredRendition === undefined
      ? ""
      : ` (model: ${fmtInt(site.predictedAtMeasuredRendition)})`;
  return `${fmtInt(site.measuredNMax)}${at}${model}`;
}

/** " at 360p" when the figure is for a rendition below the top one. */
const lowerRendition = (site: SiteRow) =>
  site.capacityRendition && site.capacityRendition !== site.predictedRendition
    ? ` at ${site.capacityRendition}`
    : "";

export const renditionLabel = (rung: CourseSection["ladder"][number]) =>
  rung.height ? `${rung.height}p` : `${Math.round(rung.bandwidthKbps)} kbit/s`;

/** Reasons are written as clauses; tables show them as sentences (identifiers such as metric names stay as they are). */
export function sentence(text: string): string {
  const firstWord = text.split(" ")[0] ?? "";
  if (!text || /[_./:(]/.test(firstWord)) return text;
  return `${text[0]?.toUpperCase()}${text.slice(1)}`;
}

/** "reference-lms with media-nginx": the candidates a verdict is for. */
export function verdictFor(candidates: { lms: string | null; media: string | null }): string {
  const names = [candidates.lms, candidates.media].filter((n): n is string => n !== null);
  return names.length ? names.join(" with ") : "no candidate";
}
const outageSubjects: Record<string, string> = {
  "learner-journey": "LMS (learner journeys)",
  "hls-viewer": "media server (video viewers)",
};

export const OUTAGE_COLUMNS = [
  "What failed",
  "From",
  "Back at",
  "Time to recover",
  "Failed requests",
  "Failed learner iterations",
];

/** One outage window as table cells, in the order of OUTAGE_COLUMNS (times since the run started). */
export function outageCells(o: OutageWindow): string[] {
  return [
    outageSubjects[o.scenario] ?? o.scenario,
    fmtSeconds(o.startS),
    o.recoveredS === null ? "not recovered by the end of the run" : fmtSeconds(o.recoveredS),
    o.timeToRecoverS === null ? "did not recover" : fmtSeconds(o.timeToRecoverS),
    fmtInt(o.failedRequests),
    fmtInt(o.failedIterations),
  ];
}

export const NO_OUTAGE = "No outage: the learners' requests never kept failing.";
