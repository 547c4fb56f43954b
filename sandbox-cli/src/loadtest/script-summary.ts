import { percentileOfSorted } from "../../../loadtests/lib/stats.ts";
import type { StopRequest } from "../../../loadtests/script/stop-file.ts";
import type { MergedMetric, MergedRun } from "./merge.ts";
import type { ThresholdResult } from "./result-schema.ts";
import type { checkBreakdown } from "./script-outputs.ts";

type Checks = Awaited<ReturnType<typeof checkBreakdown>>;

/** The values k6 reports for a metric (trends: the summaryTrendStats asked for). */
function valuesOf(m: MergedMetric, elapsedS: number, trendStats: readonly string[]): Record<string, number> {
  switch (m.type) {
    case "trend": {
      const at = (p: number) => (m.count ? percentileOfSorted(m.sorted, p) : 0);
      const stat = (s: string): number => {
        const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(s);
        if (p) return at(Number(p[1]));
        if (s === "avg") return m.count ? m.sum / m.count : 0;
        if (s === "min") return m.sorted[0] ?? 0;
        if (s === "max") return m.sorted[m.sorted.length - 1] ?? 0;
        if (s === "med") return at(50);
        if (s === "count") return m.count;
        return Number.NaN;
      };
      return Object.fromEntries(trendStats.map((s) => [s, stat(s)]));
    }
    case "counter":
      return { count: m.sum, rate: elapsedS > 0 ? m.sum / elapsedS : 0 };
    case "rate":
      return { rate: m.count ? m.passes / m.count : 0, passes: m.passes, fails: m.count - m.passes };
    case "gauge":
      return { value: m.gaugeLast, min: m.gaugeMin, max: m.gaugeMax };
  }
}

/** The data a script's handleSummary(data) gets, and what --summary-export writes: k6's shape. */
export function summaryData(args: {
  merged: MergedRun;
  thresholds: readonly ThresholdResult[];
  checks: Checks;
  trendStats: readonly string[];
}) {
  const { merged } = args;
  const metrics: Record<
    string,
    {
      type: string;
      contains: string;
      values: Record<string, number>;
      thresholds?: Record<string, { ok: boolean }>;
    }
  > = {};
  for (const [name, m] of [...merged.metrics].sort(([a], [b]) => a.localeCompare(b))) {
    // k6 shows what was measured: no empty metrics, and not the engine's learner gauge
    if (name === "learners_active" || (m.count === 0 && !args.thresholds.some((t) => t.metric === name)))
      continue;
    const own = args.thresholds.filter((t) => t.metric === name);
    metrics[name] = {
      type: m.type,
      contains: m.unit === "ms" ? "time" : m.unit === "bytes" ? "data" : "default",
      values: valuesOf(m, merged.elapsedS, args.trendStats),
      ...(own.length ? { thresholds: Object.fromEntries(own.map((t) => [t.expression, { ok: t.ok }])) } : {}),
    };
  }
  const groups = [...new Set(args.checks.map((c) => c.group))].sort();
  return {
    metrics,
    root_group: {
      name: "",
      path: "",
      checks: args.checks
        .filter((c) => c.group === "")
        .map(({ name, passes, fails }) => ({ name, path: `::${name}`, passes, fails })),
      groups: groups
        .filter((g) => g !== "")
        .map((path) => ({
          name: path.split("::").pop() ?? path,
          path,
          checks: args.checks
            .filter((c) => c.group === path)
            .map(({ name, passes, fails }) => ({ name, path: `${path}::${name}`, passes, fails })),
        })),
    },
    options: { summaryTrendStats: [...args.trendStats], summaryTimeUnit: "" },
    state: {
      testRunDurationMs: merged.elapsedS * 1000,
      isStdOutTTY: Boolean(process.stdout.isTTY),
      isStdErrTTY: Boolean(process.stderr.isTTY),
    },
  };
}
export type SummaryData = ReturnType<typeof summaryData>;

const time = (ms: number) =>
  ms >= 60_000
    ? `${(ms / 60_000).toFixed(2)}m`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)}s`
      : ms >= 1
        ? `${ms.toFixed(2)}ms`
        : `${(ms * 1000).toFixed(2)}µs`;
const data = (bytes: number) =>
  bytes >= 1e6
    ? `${(bytes / 1e6).toFixed(1)} MB`
    : bytes >= 1e3
      ? `${(bytes / 1e3).toFixed(1)} kB`
      : `${Math.round(bytes)} B`;
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(6).replace(/0+$/, ""));

function line(metric: SummaryData["metrics"][string]): string {
  const v = metric.values;
  const fmt = metric.contains === "time" ? time : metric.contains === "data" ? data : num;
  switch (metric.type) {
    case "trend":
      return Object.entries(v)
        .map(([k, x]) => `${k}=${fmt(x)}`)
        .join(" ");
    case "counter":
      return `${fmt(v.count ?? 0)} ${metric.contains === "data" ? `${data(v.rate ?? 0)}/s` : `${(v.rate ?? 0).toFixed(6)}/s`}`;
    case "rate":
      return `${((v.rate ?? 0) * 100).toFixed(2)}% ✓ ${v.passes} ✗ ${v.fails}`;
    default:
      return `${fmt(v.value ?? 0)} min=${fmt(v.min ?? 0)} max=${fmt(v.max ?? 0)}`;
  }
}

const checkLines = (checks: { name: string; passes: number; fails: number }[], indent: string) =>
  checks.flatMap((c) => {
    const total = c.passes + c.fails;
    if (c.fails === 0) return [`${indent}✓ ${c.name}`];
    return [
      `${indent}✗ ${c.name}`,
      `${indent} ↳  ${Math.round((100 * c.passes) / total)}% — ✓ ${c.passes} / ✗ ${c.fails}`,
    ];
  });

/**
 * The end-of-test summary in k6's layout: checks by group, then every metric (✓/✗ where a threshold judges
 * it), then, when a threshold with abortOnFail stopped the run, k6's words for that.
 */
export function renderSummary(d: SummaryData, aborted?: StopRequest): string {
  const out: string[] = [""];
  out.push(...checkLines(d.root_group.checks, "     "));
  for (const g of d.root_group.groups) {
    out.push("", `     █ ${g.path.replace(/^::/, "").split("::").join(" > ")}`, "");
    out.push(...checkLines(g.checks, "       "));
  }
  out.push("");
  const names = Object.keys(d.metrics);
  const width = Math.max(32, ...names.map((n) => n.length + 3));
  for (const name of names) {
    const m = d.metrics[name] as SummaryData["metrics"][string];
    const judged = m.thresholds ? (Object.values(m.thresholds).every((t) => t.ok) ? "✓ " : "✗ ") : "  ";
    const sub = name.includes("{");
    out.push(
      `   ${judged}${sub ? "  " : ""}${name}${".".repeat(Math.max(1, width - name.length - (sub ? 2 : 0)))}: ${line(m)}`,
    );
  }
  if (aborted)
    out.push(
      "",
      `     ✗ test aborted at ${aborted.atS.toFixed(1)}s: thresholds on metrics '${aborted.metric}' were crossed (${aborted.expression}, observed ${num(aborted.observed)}); abortOnFail stopped the test prematurely`,
    );
  return `${out.join("\n")}\n`;
}
