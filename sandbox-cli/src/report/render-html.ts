import { bakeoffColumns, bakeoffOf, bakeoffSummary, isBakeoffChart } from "./bakeoff.ts";
import { type Chart, renderCharts } from "./charts.ts";
import { fmtBytes, fmtInt, fmtMbps, fmtMs, fmtPct, fmtSeconds } from "./format.ts";
import { glossary } from "./glossary.ts";
import { reportCss } from "./html-style.ts";
import { toolsLine } from "./render-md.ts";
import type { LoadSection, Report, SiteRow } from "./schema.ts";
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

/** report.html: one self-contained page (inline CSS and SVG charts, no script, no network). */
export async function renderHtml(report: Report): Promise<string> {
  return renderHtmlWithCharts(report, await renderCharts(report));
}

export function renderHtmlWithCharts(report: Report, charts: readonly (Chart & { svg: string })[]): string {
  const title = reportTitle(report);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}: ${esc(report.verdict.decision)}</title>
<style>${reportCss}</style>
</head>
<body>
<main>
<header>
<p class="eyebrow">elearning-sandbox · promotion report</p>
<h1>${esc(title)}</h1>
<p class="meta">Sandbox <b>${esc(report.sandbox.name)}</b> (${esc(report.sandbox.target)}) · owner ${esc(report.sandbox.owner)} · candidates ${esc(report.sandbox.candidates.join(", "))} · generated ${esc(report.generatedAt)}</p>
</header>
${verdictSection(report)}
${sitesSection(report)}
${bakeoffSection(report, charts.filter(isBakeoffChart))}
${chartsSection(charts.filter((c) => !isBakeoffChart(c)))}
${thresholdsSection(report)}
${courseSection(report)}
${policySection(report)}
${loadSection(report)}
${provenanceSection(report)}
${glossarySection()}
<footer>Rendered from report.json (schemaVersion ${report.schemaVersion}). The verdict rules are in sandbox-cli/src/report/verdict-rules.ts.</footer>
</main>
</body>
</html>
`;
}

const verdictClass = {
  PROMOTE: "promote",
  "PROMOTE WITH CONDITIONS": "conditions",
  REJECT: "reject",
} as const;

function verdictSection(report: Report): string {
  const v = report.verdict;
  const reasons = v.reasons.length
    ? `<h2>Why</h2>
<table class="reasons" data-testid="reasons"><thead><tr><th></th><th>For Training</th><th>For IT</th></tr></thead><tbody>
${v.reasons
  .map(
    (r) =>
      `<tr><td>${r.level === "reject" ? pill("blocks", "bad") : pill("condition", "warn")}</td><td>${esc(sentence(r.training))}</td><td>${esc(sentence(r.it))}</td></tr>`,
  )
  .join("\n")}
</tbody></table>`
    : "";
  const changes = v.changes.length
    ? `<h2>What would change the verdict</h2>
<ul class="changes">${v.changes.map((c) => `<li><b>${esc(sentence(c.change))}</b>${esc(sentence(c.effect))}</li>`).join("")}</ul>
${v.afterChanges ? `<p class="after">With every change above, the verdict would be ${esc(v.afterChanges)}.</p>` : ""}`
    : "";
  return `<section class="verdict ${verdictClass[v.decision]}" data-testid="verdict">
<p class="label">Verdict</p>
<p class="decision">${esc(v.decision)}</p>
<p>${esc(v.headline)}</p>
${v.candidates ? `<p class="note">For ${esc(verdictFor(v.candidates))}.</p>` : ""}
<p class="note"><code>sandbox nightly</code> exits ${v.exitCode} for this verdict.</p>
</section>
${reasons}
${changes}`;
}

function fitPill(site: SiteRow): string {
  const tone =
    site.fit === "fits"
      ? "ok"
      : site.fit === "over-capacity"
        ? "bad"
        : site.fit === "unknown"
          ? "muted"
          : "warn";
  return pill(fitLabel(site), tone);
}

function sitesSection(report: Report): string {
  if (!report.sites.length)
    return `<h2>Sites: learners at once</h2><p class="note">No sites were described in the spec.</p>`;
  const rows = report.sites.map(
    (
      s,
    ) => `<tr><td><b>${esc(s.site)}</b>${s.profile ? `<br><span class="note">${esc(s.profile)}</span>` : ""}</td>
<td>${esc(fmtMbps(s.downlinkMbps))} / ${esc(fmtMbps(s.uplinkMbps))}<br><span class="note">RTT ${esc(fmtMs(s.rttMs))}</span></td>
<td class="num">${esc(fmtPct(s.trainingShare))}</td><td class="num">${esc(fmtInt(s.expectedLearners))}</td>
<td class="num">${esc(predictedCell(s))}</td>
<td class="num">${s.measuredNMax === null ? '<span class="note">not measured</span>' : esc(measuredCell(s))}</td>
<td>${s.bystander ? esc(bystanderCell(s.bystander, s.expectedLearners)) : '<span class="note">not measured</span>'}</td>
<td>${s.edgeCache?.declared ? esc(cacheCell(s)) : '<span class="note">none declared</span>'}</td>
<td>${fitPill(s)}</td></tr>`,
  );
  return `<h2>Sites: learners at once</h2>
<table data-testid="sites"><thead><tr><th>Site</th><th>Link (down / up)</th><th class="num">Training share</th><th class="num">Expected</th><th class="num">Predicted</th><th class="num">Measured</th><th>Other applications</th><th>Branch cache</th><th>Verdict</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
<p class="note">Predicted: the capacity model at the top video quality. Measured: a load test over the site's shaped link with every viewer held at the quality named, beside the model's figure for that quality. Other applications: a business application (short requests and an interactive flow) sharing that link, its p95 alone and with the learners, and the most learners at once before it was harmed. Branch cache: the site's declared edge cache, measured with the same probe through a real cache on the branch side of its link, beside the cached form of the model.</p>`;
}

function figure(c: Chart & { svg: string }): string {
  return `<figure class="chart" data-chart="${esc(c.id)}"><h3>${esc(c.title)}</h3>${c.svg}<figcaption>${esc(c.caption)}</figcaption></figure>`;
}

function bakeoffSection(report: Report, charts: readonly (Chart & { svg: string })[]): string {
  return bakeoffOf(report)
    .map(({ kind, candidates }) => {
      const head = bakeoffColumns.map(([title]) => `<th>${esc(title)}</th>`).join("");
      const rows = candidates.map(
        (row) => `<tr>${bakeoffColumns.map(([, cell]) => `<td>${esc(cell(row))}</td>`).join("")}</tr>`,
      );
      const chart = charts.find((c) => c.id === `bakeoff-${kind}`);
      return `<h2>${kind === "media" ? "Media" : "LMS"} bake-off</h2>
<table data-testid="bakeoff-${kind}"><thead><tr>${head}</tr></thead><tbody>${rows.join("\n")}</tbody></table>
<p class="note">${esc(bakeoffSummary(kind, candidates))}</p>
${chart ? `<div class="charts">${figure(chart)}</div>` : ""}`;
    })
    .join("\n");
}

function chartsSection(charts: readonly (Chart & { svg: string })[]): string {
  if (!charts.length) return "";
  const figures = charts.map(figure);
  return `<h2>Charts</h2><div class="charts">${figures.join("\n")}</div>`;
}

function thresholdsSection(report: Report): string {
  if (!report.thresholds.length)
    return `<h2>Thresholds</h2><p class="note">No load test was run, so no threshold was checked.</p>`;
  const rows = report.thresholds.map((t) => {
    const observed = t.observed === null ? "not measured" : wordsFor(t.metric).show(t.observed);
    return `<tr><td><code>${esc(t.metric)}</code></td><td class="num">${esc(observed)}</td><td class="nowrap"><code>${esc(t.expression)}</code></td><td>${t.ok ? pill("pass", "ok") : pill("fail", "bad")}</td><td>${esc(sentence(t.training))}</td></tr>`;
  });
  return `<h2>Thresholds</h2><table><thead><tr><th>Metric (IT)</th><th class="num">Observed</th><th>Limit</th><th>Result</th><th>For Training</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function courseSection(report: Report): string {
  const c = report.course;
  if (!c) return `<h2>Course</h2><p class="note">No course profile was part of this run.</p>`;
  const fact = (term: string, value: string) => `<dt>${esc(term)}</dt><dd>${value}</dd>`;
  const ladder = c.ladder.length
    ? `<h3>Media ladder</h3><table><thead><tr><th>Rendition</th><th class="num">Bitrate</th><th>Playlist</th></tr></thead><tbody>${c.ladder
        .map(
          (l) =>
            `<tr><td>${esc(renditionLabel(l))}</td><td class="num">${esc(fmtInt(l.bandwidthKbps))} kbit/s</td><td><code>${esc(l.playlist)}</code></td></tr>`,
        )
        .join("")}</tbody></table>`
    : "";
  const notable = c.findings.filter((f) => f.severity !== "info");
  const findings = notable.length
    ? `<h3>Findings</h3><table><thead><tr><th>Severity</th><th>Code</th><th>Message</th><th>Path</th></tr></thead><tbody>${notable
        .map(
          (f) =>
            `<tr><td>${pill(f.severity, f.severity === "error" ? "bad" : "warn")}</td><td><code>${esc(f.code)}</code></td><td>${esc(f.message)}</td><td><code>${esc(f.path ?? "")}</code></td></tr>`,
        )
        .join("")}</tbody></table>`
    : "";
  return `<h2>Course</h2><dl class="facts">
${fact("Title", esc(c.title ?? "(untitled)"))}
${fact("Format", esc(`${c.format}${c.edition ? ` ${c.edition} edition` : ""}`))}
${fact("Valid", c.valid ? pill("valid", "ok") : pill("invalid", "bad"))}
${fact("Parts", esc(c.launches.map((l) => l.title).join(" · ") || "none"))}
${fact("Size", esc(`${fmtInt(c.files.count)} files, ${fmtBytes(c.files.compressedBytes)} packed, ${fmtBytes(c.files.uncompressedBytes)} unpacked`))}
${fact("Peak need per learner", esc(fmtMbps(c.estimatedPeakMbps)))}
${fact("External hosts", esc(c.externalHosts.map((h) => `${h.host}${h.plainHttp ? " (plain http)" : ""}`).join(", ") || "none"))}
${fact("Obsolete technology", esc(c.obsoleteTechnology.map((o) => `${o.kind} (${o.path})`).join(", ") || "none"))}
${fact("sha256", `<span class="mono">${esc(c.sha256)}</span>`)}
</dl>${ladder}${findings}`;
}

function policySection(report: Report): string {
  if (!report.policy.length) return `<h2>Policy</h2><p class="note">No policy pack results.</p>`;
  const rows = report.policy.map((p) => {
    const result = p.ok
      ? pill("pass", "ok")
      : p.enforcement === "mandatory"
        ? pill("fail", "bad")
        : pill("condition", "warn");
    return `<tr><td><code>${esc(p.rule)}</code></td><td>${esc(p.enforcement)}</td><td>${result}</td><td>${esc(p.message)}</td></tr>`;
  });
  return `<h2>Policy</h2><table><thead><tr><th>Rule</th><th>Enforcement</th><th>Result</th><th>Message</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function loadSection(report: Report): string {
  const load = report.load;
  if (!load) return `<h2>Load test</h2><p class="note">No load test was run.</p>`;
  const s = load.summary;
  const na = (v: number | null, f: (n: number) => string) => (v === null ? "n/a" : f(v));
  const integrity = load.integrity
    ? `${fmtInt(load.integrity.commitsStored)}/${fmtInt(load.integrity.commitsSent)} commits, ${fmtInt(load.integrity.statementsStored)}/${fmtInt(load.integrity.statementsSent)} statements stored`
    : "not checked";
  return `<h2>Load test</h2><dl class="facts">
<dt>Run</dt><dd><code>${esc(load.runId)}</code> · ${esc(load.startedAt)} to ${esc(load.endedAt)}</dd>
<dt>Plan</dt><dd>${esc(`${fmtInt(load.plan.learners)} learners, ramp-up ${fmtSeconds(load.plan.rampUpS)}, ${fmtSeconds(load.plan.durationS)}, ${load.plan.runners} runner(s); ${load.plan.scenarios.join(", ")}`)}</dd>
<dt>Requests</dt><dd>${esc(na(s.requests, fmtInt))}</dd>
<dt>p95 response time</dt><dd>${esc(na(s.httpP95Ms, fmtMs))}</dd>
<dt>Error rate</dt><dd>${esc(na(s.httpErrorRate, fmtPct))}</dd>
<dt>Rebuffering</dt><dd>${esc(na(s.rebufferRatio, fmtPct))}</dd>
<dt>Video start (p95)</dt><dd>${esc(na(s.timeToFirstFrameP95S, fmtSeconds))}</dd>
<dt>Peak throughput</dt><dd>${esc(na(s.peakThroughputMbps, fmtMbps))}</dd>
<dt>Learner data</dt><dd>${esc(integrity)}</dd>
</dl>${outagesTable(load.outages)}`;
}

function outagesTable(outages: LoadSection["outages"]): string {
  if (!outages) return "";
  if (!outages.length) return `<h3>Outages during the load test</h3><p class="note">${esc(NO_OUTAGE)}</p>`;
  const head = OUTAGE_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join("");
  const rows = outages.map(
    (o) =>
      `<tr>${outageCells(o)
        .map((c) => `<td>${esc(c)}</td>`)
        .join("")}</tr>`,
  );
  return `<h3>Outages during the load test</h3><table data-testid="outages"><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function provenanceSection(report: Report): string {
  const p = report.provenance;
  const images = Object.entries(p.images)
    .map(([ref, id]) => `<dt>Image ${esc(ref)}</dt><dd class="mono">${esc(id)}</dd>`)
    .join("");
  return `<h2>Provenance</h2><dl class="facts">
<dt>Course sha256</dt><dd class="mono">${esc(p.courseSha256 ?? "n/a")}</dd>
<dt>Spec sha256</dt><dd class="mono">${esc(p.specSha256)}</dd>
<dt>Git commit</dt><dd class="mono">${esc(p.gitCommit ?? "n/a")}</dd>
${images}
<dt>Tools</dt><dd>${esc(toolsLine(report))}</dd>
</dl>`;
}

function glossarySection(): string {
  const rows = glossary.map(
    (g) => `<tr><td><b>${esc(g.term)}</b></td><td>${esc(g.training)}</td><td>${esc(g.it)}</td></tr>`,
  );
  return `<h2>Glossary</h2><table><thead><tr><th>Term</th><th>For Training</th><th>For IT</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const pill = (label: string, tone: "ok" | "warn" | "bad" | "muted") =>
  `<span class="pill ${tone}">${esc(label)}</span>`;

export function esc(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
