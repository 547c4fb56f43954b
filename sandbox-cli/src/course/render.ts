import type { CourseProfile, Finding } from "./profile.ts";

const formatLabels: Record<CourseProfile["format"], string> = {
  scorm12: "SCORM 1.2",
  scorm2004: "SCORM 2004",
  xapi: "xAPI (Tin Can)",
  cmi5: "cmi5",
  aicc: "AICC",
  unknown: "unknown",
};

const MAX_LISTED = 5;

/** A short readable summary followed by the findings table (plain text, no colour). */
export function renderProfile(profile: CourseProfile): string {
  const count = (severity: Finding["severity"]) =>
    profile.findings.filter((f) => f.severity === severity).length;
  const format = `${formatLabels[profile.format]}${profile.edition ? ` ${profile.edition} edition` : ""}`;
  const lines: [string, string][] = [
    ["course", profile.title ?? "(no title)"],
    ["source", `${profile.source.path} (${profile.source.kind})`],
    ["format", format],
    [
      "verdict",
      `${profile.valid ? "valid" : "INVALID"} (${count("error")} errors, ${count("warning")} warnings, ${count("info")} notes)`,
    ],
    [
      "launches",
      listOr(
        profile.launches.map((l) => `${l.id} "${l.title}" -> ${l.url}`),
        "none",
      ),
    ],
    [
      "files",
      `${profile.files.count} files, ${bytes(profile.files.compressedBytes)} compressed, ${bytes(profile.files.uncompressedBytes)} uncompressed`,
    ],
    [
      "media",
      listOr(
        profile.media.map(
          (m) =>
            `${m.path} ${m.kind} ${m.durationS}s ${m.bitrateKbps} kbit/s${m.width ? ` ${m.width}x${m.height}` : ""}`,
        ),
        "none",
      ),
    ],
    [
      "playlists",
      listOr(
        profile.playlists.map(
          (p) =>
            `${p.path} (${p.protocol}, ${p.levels.length} levels${p.levels[0] ? `, top ${mbps(p.levels[0].bandwidthBps)}` : ""})`,
        ),
        "none",
      ),
    ],
    ["peak", `${profile.estimatedPeakMbps} Mbit/s per learner (estimated)`],
    [
      "external",
      listOr(
        profile.externalHosts.map((h) => `${h.host}${h.plainHttp ? " (plain http)" : ""}`),
        "none",
      ),
    ],
    [
      "obsolete",
      listOr(
        profile.obsoleteTechnology.map((o) => `${o.kind}: ${o.path}`),
        "none",
      ),
    ],
    ["sha256", profile.sha256],
  ];
  const width = Math.max(...lines.map(([label]) => label.length));
  const summary = lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
  return profile.findings.length === 0
    ? `${summary}\n\nno findings`
    : `${summary}\n\n${renderFindings(profile.findings)}`;
}

/** One row per finding: severity, code, where (path:line), message. */
export function renderFindings(findings: readonly Finding[]): string {
  const rows = findings.map((f) => [
    f.severity,
    f.code,
    f.path ? `${f.path}${f.line ? `:${f.line}` : ""}` : "-",
    f.message,
  ]);
  const header = ["SEVERITY", "CODE", "WHERE", "MESSAGE"];
  const widths = [0, 1, 2].map((column) =>
    Math.min(column === 2 ? 40 : 30, Math.max(...[header, ...rows].map((row) => (row[column] ?? "").length))),
  );
  return [header, ...rows]
    .map((row) =>
      row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join("  "),
    )
    .join("\n");
}

function listOr(items: readonly string[], empty: string): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, MAX_LISTED).join("; ");
  return items.length > MAX_LISTED ? `${shown}; and ${items.length - MAX_LISTED} more` : shown;
}

function bytes(value: number): string {
  if (value < 1000) return `${value} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let scaled = value / 1000;
  let unit = 0;
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  return `${scaled.toFixed(1)} ${units[unit]}`;
}

const mbps = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbit/s`;
