import { bakeoffColumns, bakeoffOf, bakeoffSummary } from "./bakeoff.ts";
import { fmtBytes, fmtInt, fmtMbps, fmtMs, fmtPct, fmtSeconds } from "./format.ts";
import { glossary } from "./glossary.ts";
import type { Report } from "./schema.ts";
import { bystanderCell } from "./site-bystander.ts";
import { cacheCell } from "./site-cache.ts";
import { wordsFor } from "./thresholds.ts";
import {
  fitLabel,
  measuredCell,
  NO_OUTAGE,
  OUTAGE_COLUMNS,
  outageCells,
  predictedCell,
  renditionLabel,
  reportTitle,
  sentence,
  verdictFor,
} from "./words.ts";

/** report.md: the same content as report.html, without charts, for a ticket or a pull request. */
export function renderMarkdown(report: Report): string {
  const { verdict } = report;
  const out: string[] = [];
  out.push(`# ${reportTitle(report)}`, "");
  out.push(
    `**Verdict: ${verdict.decision}** (\`sandbox nightly\` exit ${verdict.exitCode})`,
    "",
    verdict.headline,
    "",
    ...(verdict.candidates ? [`For ${verdictFor(verdict.candidates)}.`, ""] : []),
  );

  if (verdict.reasons.length) {
    out.push("## Why", "");
    out.push(
      table(
        ["", "For Training", "For IT"],
        verdict.reasons.map((r) => [
          r.level === "reject" ? "**blocks**" : "condition",
          sentence(r.training),
          sentence(r.it),
        ]),
      ),
    );
  }
  if (verdict.changes.length) {
    out.push("## What would change the verdict", "");
    for (const c of verdict.changes) out.push(`- **${cell(sentence(c.change))}**: ${cell(c.effect)}`);
    out.push("");
    if (verdict.afterChanges)
      out.push(`With every change above, the verdict would be **${verdict.afterChanges}**.`, "");
  }

  out.push("## Sites: learners at once", "");
  out.push(
    report.sites.length
      ? table(
          [
            "Site",
            "Link (down/up, RTT)",
            "Training share",
            "Expected",
            "Predicted",
            "Measured",
            "Other applications",
            "Branch cache",
            "Verdict",
          ],
          report.sites.map((s) => [
            s.site,
            `${fmtMbps(s.downlinkMbps)} / ${fmtMbps(s.uplinkMbps)}, ${fmtMs(s.rttMs)}`,
            fmtPct(s.trainingShare),
            fmtInt(s.expectedLearners),
            predictedCell(s),
            measuredCell(s),
            bystanderCell(s.bystander, s.expectedLearners),
            cacheCell(s),
            fitLabel(s),
          ]),
        )
      : "No sites were described in the spec.\n",
  );

  for (const { kind, candidates } of bakeoffOf(report)) {
    out.push(`## ${kind === "media" ? "Media" : "LMS"} bake-off`, "");
    out.push(
      table(
        bakeoffColumns.map(([title]) => title),
        candidates.map((row) => bakeoffColumns.map(([, cellOf]) => cellOf(row))),
      ),
    );
    out.push(bakeoffSummary(kind, candidates), "");
  }

  out.push("## Thresholds", "");
  out.push(
    report.thresholds.length
      ? table(
          ["Metric (IT)", "Observed", "Limit", "Result", "For Training"],
          report.thresholds.map((t) => [
            `\`${t.metric}\``,
            t.observed === null ? "not measured" : wordsFor(t.metric).show(t.observed),
            `\`${t.expression}\``,
            t.ok ? "pass" : "**fail**",
            sentence(t.training),
          ]),
        )
      : "No load test was run, so no threshold was checked.\n",
  );

  const course = report.course;
  out.push("## Course", "");
  if (course) {
    out.push(
      table(
        ["", ""],
        [
          ["Title", course.title ?? "(untitled)"],
          ["Format", `${course.format}${course.edition ? ` ${course.edition} edition` : ""}`],
          ["Valid", course.valid ? "yes" : "**no**"],
          ["Parts (launches)", course.launches.map((l) => l.title).join(", ") || "none"],
          [
            "Size",
            `${fmtInt(course.files.count)} files, ${fmtBytes(course.files.compressedBytes)} packed, ${fmtBytes(course.files.uncompressedBytes)} unpacked`,
          ],
          ["Peak need per learner", fmtMbps(course.estimatedPeakMbps)],
          [
            "External hosts",
            course.externalHosts.map((h) => `${h.host}${h.plainHttp ? " (plain http)" : ""}`).join(", ") ||
              "none",
          ],
          [
            "Obsolete technology",
            course.obsoleteTechnology.map((o) => `${o.kind} (${o.path})`).join(", ") || "none",
          ],
        ],
      ),
    );
    if (course.ladder.length) {
      out.push("Media ladder:", "");
      out.push(
        table(
          ["Rendition", "Bitrate", "Playlist"],
          course.ladder.map((l) => [renditionLabel(l), `${fmtInt(l.bandwidthKbps)} kbit/s`, l.playlist]),
        ),
      );
    }
    const notable = course.findings.filter((f) => f.severity !== "info");
    if (notable.length) {
      out.push("Findings:", "");
      out.push(
        table(
          ["Severity", "Code", "Message", "Path"],
          notable.map((f) => [f.severity, f.code, f.message, f.path ?? ""]),
        ),
      );
    }
  } else out.push("No course profile was part of this run.", "");

  out.push("## Policy", "");
  out.push(
    report.policy.length
      ? table(
          ["Rule", "Enforcement", "Result", "Message"],
          report.policy.map((p) => [
            p.rule,
            p.enforcement,
            p.ok ? "pass" : p.enforcement === "mandatory" ? "**fail**" : "condition",
            p.message,
          ]),
        )
      : "No policy pack results.\n",
  );

  if (report.load) {
    const { plan, summary, integrity } = report.load;
    out.push("## Load test", "");
    out.push(
      `Run \`${report.load.runId}\`: ${fmtInt(plan.learners)} learners, ramp-up ${fmtSeconds(plan.rampUpS)}, ${fmtSeconds(plan.durationS)}, ${plan.runners} runner(s), scenarios ${plan.scenarios.join(", ")}.`,
      "",
    );
    out.push(
      table(
        [
          "Requests",
          "p95",
          "Error rate",
          "Rebuffering",
          "Video start p95",
          "Peak throughput",
          "Progress saves stored",
        ],
        [
          [
            summary.requests === null ? "n/a" : fmtInt(summary.requests),
            summary.httpP95Ms === null ? "n/a" : fmtMs(summary.httpP95Ms),
            summary.httpErrorRate === null ? "n/a" : fmtPct(summary.httpErrorRate),
            summary.rebufferRatio === null ? "n/a" : fmtPct(summary.rebufferRatio),
            summary.timeToFirstFrameP95S === null ? "n/a" : fmtSeconds(summary.timeToFirstFrameP95S),
            summary.peakThroughputMbps === null ? "n/a" : fmtMbps(summary.peakThroughputMbps),
            integrity ? `${fmtInt(integrity.commitsStored)}/${fmtInt(integrity.commitsSent)}` : "not checked",
          ],
        ],
      ),
    );
    const outages = report.load.outages;
    if (outages) {
      out.push("### Outages during the load test", "");
      out.push(outages.length ? table(OUTAGE_COLUMNS, outages.map(outageCells)) : `${NO_OUTAGE}\n`);
    }
  }

  const p = report.provenance;
  out.push("## Provenance", "");
  out.push(
    table(
      ["", ""],
      [
        ["Sandbox", `${report.sandbox.name} (${report.sandbox.target}), owner ${report.sandbox.owner}`],
        ["Candidates", report.sandbox.candidates.join(", ")],
        ["Course sha256", p.courseSha256 ? `\`${p.courseSha256}\`` : "n/a"],
        ["Spec sha256", `\`${p.specSha256}\``],
        ["Git commit", p.gitCommit ? `\`${p.gitCommit}\`` : "n/a"],
        ...Object.entries(p.images).map(([ref, id]) => [`Image ${ref}`, `\`${id}\``]),
        ["Tools", toolsLine(report)],
        ["Generated", report.generatedAt],
      ],
    ),
  );

  out.push("## Glossary", "");
  out.push(
    table(
      ["Term", "For Training", "For IT"],
      glossary.map((g) => [g.term, g.training, g.it]),
    ),
  );
  return `${out.join("\n").trimEnd()}\n`;
}

export function toolsLine(report: Report): string {
  const t = report.provenance.tools;
  return [
    `node ${t.node}`,
    `pulumi ${t.pulumi ?? "n/a"}`,
    `docker engine ${t.dockerEngine ?? "n/a"}`,
    t.loadEngine ? `${t.loadEngine.name} ${t.loadEngine.version}` : "load engine n/a",
  ].join(", ");
}

const cell = (value: string) => value.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");

/** A table with padded columns, as markdown formatters (Biome, Prettier) write it, so formatting leaves it alone. */
function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map(cell));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => [...(row[i] ?? "")].length)));
  const line = (row: string[]) =>
    `| ${row.map((c, i) => c + " ".repeat((widths[i] ?? 0) - [...c].length)).join(" | ")} |`;
  const [head, ...body] = cells;
  return `${[line(head ?? []), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n")}\n`;
}
