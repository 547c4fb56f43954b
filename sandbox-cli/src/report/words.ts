import { fmtInt } from "./format.ts";
import type { CourseSection, Report, SiteRow } from "./schema.ts";

/** Phrases shared by the html and markdown renderings. */
export const reportTitle = (report: Report) =>
  `Promotion report: ${report.course?.title ?? report.sandbox.name}`;

export function fitLabel(site: SiteRow): string {
  switch (site.fit) {
    case "fits":
      return "fits";
    case "smaller-rendition":
      return `fits at ${site.fittingRendition}`;
    case "fewer-learners":
      return `fits ${fmtInt(site.capacity ?? 0)} at once (waves)`;
    case "over-capacity":
      return "over capacity";
    default:
      return "unknown";
  }
}

export const renditionLabel = (rung: CourseSection["ladder"][number]) =>
  rung.height ? `${rung.height}p` : `${Math.round(rung.bandwidthKbps)} kbit/s`;

/** Reasons are written as clauses; tables show them as sentences (identifiers such as metric names stay as they are). */
export function sentence(text: string): string {
  const firstWord = text.split(" ")[0] ?? "";
  if (!text || /[_./:(]/.test(firstWord)) return text;
  return `${text[0]?.toUpperCase()}${text.slice(1)}`;
}
