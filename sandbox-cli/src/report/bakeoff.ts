import type { LoadRunResult } from "../loadtest/result-schema.ts";
import type { Thresholds } from "../sandbox-spec/schema.ts";
import type { Chart } from "./charts.ts";
import { fmtMs, fmtPct, round } from "./format.ts";
import type { Bakeoff, BakeoffCandidate, Report } from "./schema.ts";

const trend = (load: LoadRunResult, metric: string, field: "p95" | "avg") => {
  const m = load.metrics[metric];
  return m?.type === "trend" && m.values.count > 0 ? m.values[field] : null;
};

/** Mean CPU (cores) and peak memory (MB) of one candidate's containers while the load was held. */
function candidateResources(load: LoadRunResult, candidate: string) {
  const mine = load.resources.filter((r) => r.candidate === candidate && r.role !== "load-runner");
  if (mine.length === 0) return null;
  let cpu = 0;
  let memoryMb = 0;
  for (const container of mine) {
    const held = container.samples.filter((s) => s.t >= load.plan.rampUpS);
    const samples = held.length > 0 ? held : container.samples;
    if (samples.length === 0) continue;
    cpu += samples.reduce((sum, s) => sum + s.cpuCores, 0) / samples.length;
    memoryMb += Math.max(...samples.map((s) => s.memoryBytes)) / 1e6;
  }
  return { cpu, memoryMb };
}

/**
 * The most learners the run held within the policy's response-time and error limits: every learner when
 * the run passed its thresholds, else the most that were active before the first interval that broke one.
 */
export function maxLearnersWithinThresholds(load: LoadRunResult, policy: Thresholds): number {
  if (load.passed) return load.plan.learners;
  let most = 0;
  for (const point of load.timeline) {
    const errorRate = point.requests > 0 ? point.errors / point.requests : 0;
    if ((point.p95Ms ?? 0) > policy.httpP95Ms || errorRate > policy.httpErrorRate) break;
    most = Math.max(most, point.activeLearners);
  }
  return most;
}

/** One bake-off row from the run that loaded `candidate` alone (pure). */
export function bakeoffRow(candidate: string, load: LoadRunResult, policy: Thresholds): BakeoffCandidate {
  const failed = load.metrics.http_req_failed;
  const resources = candidateResources(load, candidate);
  const per100 = (value: number | undefined) =>
    value === undefined || load.plan.learners === 0 ? null : round((value * 100) / load.plan.learners);
  const rounded = (value: number | null, decimals = 3) => (value === null ? null : round(value, decimals));
  return {
    candidate,
    p95SegmentFetchMs: rounded(trend(load, "hls_segment_fetch_time", "p95"), 1),
    timeToFirstFrameMs: rounded(trend(load, "hls_time_to_first_frame", "p95"), 1),
    rebufferRatio: rounded(trend(load, "hls_rebuffer_ratio", "avg"), 4),
    errorRate: failed?.type === "rate" ? round(failed.values.rate, 4) : null,
    cpuCoresPer100: per100(resources?.cpu),
    memoryMbPer100: per100(resources?.memoryMb),
    maxLearnersWithinThresholds: maxLearnersWithinThresholds(load, policy),
  };
}

/** The candidate of a kind that did best: most learners held, then the fastest p95 segment fetch, then CPU. */
export function bestCandidate(rows: readonly BakeoffCandidate[]): string | null {
  const sorted = [...rows].sort(
    (a, b) =>
      b.maxLearnersWithinThresholds - a.maxLearnersWithinThresholds ||
      (a.p95SegmentFetchMs ?? Number.POSITIVE_INFINITY) - (b.p95SegmentFetchMs ?? Number.POSITIVE_INFINITY) ||
      (a.cpuCoresPer100 ?? Number.POSITIVE_INFINITY) - (b.cpuCoresPer100 ?? Number.POSITIVE_INFINITY),
  );
  return sorted[0]?.candidate ?? null;
}

/** One chart per bake-off kind (id `bakeoff-<kind>`): the figure that separates the candidates most. */
export function bakeoffCharts(bakeoff: Bakeoff | undefined): Chart[] {
  return (bakeoff ?? []).map(({ kind, candidates }) => {
    const media = kind === "media";
    const values = candidates.map((c) => ({
      candidate: c.candidate,
      value: media ? c.p95SegmentFetchMs : c.cpuCoresPer100,
    }));
    const title = media ? "p95 segment fetch (ms)" : "CPU cores per 100 learners";
    return {
      id: `bakeoff-${kind}`,
      title: `${media ? "Media" : "LMS"} bake-off: ${title}`,
      caption: `Each bar is one candidate under the same load plan, run one after the other; shorter is better.`,
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        width: 470,
        height: Math.max(120, candidates.length * 40),
        autosize: { type: "fit", contains: "padding" },
        config: {
          font: "Helvetica, Arial, sans-serif",
          background: "white",
          view: { stroke: "transparent" },
        },
        data: { values },
        mark: { type: "bar", cornerRadiusEnd: 2, color: "#2563eb" },
        encoding: {
          y: { field: "candidate", type: "nominal", title: null, sort: null },
          x: { field: "value", type: "quantitative", title },
        },
      },
    };
  });
}

export const isBakeoffChart = (chart: Chart) => chart.id.startsWith("bakeoff-");

const or = (value: number | null, format: (v: number) => string) => (value === null ? "–" : format(value));

/** The bake-off table's columns: header, and the formatted cell of a row (html and md say the same). */
export const bakeoffColumns: readonly [string, (row: BakeoffCandidate) => string][] = [
  ["Candidate", (r) => r.candidate],
  ["p95 segment fetch", (r) => or(r.p95SegmentFetchMs, fmtMs)],
  ["Time to first frame (p95)", (r) => or(r.timeToFirstFrameMs, fmtMs)],
  ["Rebuffering", (r) => or(r.rebufferRatio, fmtPct)],
  ["Errors", (r) => or(r.errorRate, fmtPct)],
  ["CPU per 100 learners", (r) => or(r.cpuCoresPer100, (v) => `${v.toFixed(2)} cores`)],
  ["Memory per 100 learners", (r) => or(r.memoryMbPer100, (v) => `${v.toFixed(0)} MB`)],
  ["Most learners within thresholds", (r) => String(r.maxLearnersWithinThresholds)],
];

/** The sentence under a kind's table: which candidate did best, and on what. */
export function bakeoffSummary(kind: "lms" | "media", rows: readonly BakeoffCandidate[]): string {
  const best = bestCandidate(rows);
  const what = kind === "media" ? "media servers" : "LMSs";
  return best
    ? `${rows.length} ${what} under the same plan, one after the other: ${best} held the most learners within the thresholds (ties: the faster p95 segment fetch, then the lower CPU).`
    : `No ${what} were measured.`;
}

export const bakeoffOf = (report: Report) => report.bakeoff ?? [];
