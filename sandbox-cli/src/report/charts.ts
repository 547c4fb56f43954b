import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import * as vegaLite from "vega-lite";
import { bakeoffCharts } from "./bakeoff.ts";
import { bystanderCharts } from "./bystander-chart.ts";
import type { Report } from "./schema.ts";

export interface Chart {
  id: string;
  title: string;
  /** one sentence under the chart saying how to read it. */
  caption: string;
  spec: TopLevelSpec;
}

// Every chart is exactly this size, legend and axes included, so all render at the same text scale.
const WIDTH = 470;
const HEIGHT = 250;

const config = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  view: { stroke: "transparent" },
  axis: {
    labelColor: "#374151",
    titleColor: "#374151",
    gridColor: "#e5e7eb",
    domainColor: "#9ca3af",
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: "normal" as const,
  },
  legend: {
    labelFontSize: 11,
    titleFontSize: 11,
    orient: "bottom" as const,
    direction: "horizontal" as const,
    labelLimit: 220,
    titleFontWeight: "normal" as const,
  },
  range: {
    category: ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0891b2", "#db2777", "#65a30d"],
  },
};

const base = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  width: WIDTH,
  height: HEIGHT,
  autosize: { type: "fit", contains: "padding" },
  config,
} as const;

/** The limit in a threshold expression such as "p(95)<800" or "max<0.8", when there is one. */
export function limitOf(expression: string): number | null {
  const match = /[<>]=?\s*(-?\d+(?:\.\d+)?)\s*$/.exec(expression);
  return match?.[1] ? Number(match[1]) : null;
}

/** The vega-lite specs for every chart the report has data for, in reading order. */
export function chartSpecs(report: Report): Chart[] {
  const charts: Chart[] = [];
  const load = report.load;
  if (load?.timeline.some((p) => p.p95Ms !== null)) {
    const p95Limit = report.thresholds.find(
      (t) => t.metric === "http_req_duration" && t.expression.startsWith("p(95)"),
    );
    const limit = p95Limit ? limitOf(p95Limit.expression) : null;
    const points = load.timeline
      .filter((p) => p.p95Ms !== null)
      .map((p) => ({ learners: p.activeLearners, p95: p.p95Ms, t: p.t }));
    charts.push({
      id: "learners-latency",
      title: "Active learners against response time",
      caption: `Each dot is one interval of the run: how many learners were active and the p95 response time they saw${limit !== null ? `; the red line is the ${limit} ms limit` : ""}.`,
      spec: {
        ...base,
        layer: [
          {
            data: { values: points },
            mark: { type: "point", filled: true, size: 40, opacity: 0.75, color: "#2563eb" },
            encoding: {
              x: { field: "learners", type: "quantitative", title: "active learners" },
              y: { field: "p95", type: "quantitative", title: "p95 response time (ms)" },
            },
          },
          ...(limit !== null
            ? [
                {
                  data: { values: [{ limit }] },
                  mark: { type: "rule" as const, color: "#dc2626", strokeDash: [6, 4], strokeWidth: 1.5 },
                  encoding: { y: { field: "limit", type: "quantitative" as const } },
                },
              ]
            : []),
        ],
      },
    });
  }
  if (load && load.timeline.length > 0) {
    charts.push({
      id: "throughput",
      title: "Throughput over time",
      caption:
        "What the simulated learners downloaded each second, in Mbit/s, with the number of active learners in grey.",
      spec: {
        ...base,
        data: {
          values: load.timeline.map((p) => ({ t: p.t, mbps: p.throughputMbps, learners: p.activeLearners })),
        },
        encoding: { x: { field: "t", type: "quantitative", title: "seconds since start" } },
        layer: [
          {
            mark: { type: "area", line: { color: "#2563eb" }, color: "#bfdbfe", interpolate: "monotone" },
            encoding: { y: { field: "mbps", type: "quantitative", title: "throughput (Mbit/s)" } },
          },
          {
            mark: { type: "line", color: "#6b7280", strokeDash: [3, 3] },
            encoding: {
              y: {
                field: "learners",
                type: "quantitative",
                title: "active learners",
                axis: { orient: "right" },
              },
            },
          },
        ],
        resolve: { scale: { y: "independent" } },
      },
    });
  }
  const sites = report.sites.filter((s) => s.capacity !== null || s.expectedLearners > 0);
  if (sites.length > 0) {
    const rows = sites.flatMap((s) => [
      { site: s.site, series: "expected", value: s.expectedLearners },
      ...(s.predictedNMax !== null ? [{ site: s.site, series: "predicted", value: s.predictedNMax }] : []),
      ...(s.measuredNMax !== null ? [{ site: s.site, series: "measured", value: s.measuredNMax }] : []),
    ]);
    charts.push({
      id: "capacity",
      title: "Capacity per site",
      caption:
        "Grey: learners each site expects at once. Blue: how many its link carries, predicted by the capacity model. Green: measured on a shaped link.",
      spec: {
        ...base,
        height: Math.max(HEIGHT, sites.length * 48),
        data: { values: rows },
        mark: { type: "bar", cornerRadiusEnd: 2 },
        encoding: {
          y: { field: "site", type: "nominal", title: null, sort: sites.map((s) => s.site) },
          yOffset: { field: "series", type: "nominal", sort: ["expected", "predicted", "measured"] },
          x: { field: "value", type: "quantitative", title: "learners at once" },
          color: {
            field: "series",
            type: "nominal",
            title: null,
            scale: {
              domain: ["expected", "predicted", "measured"],
              range: ["#9ca3af", "#2563eb", "#10b981"],
            },
          },
        },
      },
    });
  }
  charts.push(...bystanderCharts(report.sites, base));
  const series = load?.resources.filter((r) => r.samples.length > 0 && r.role !== "load-runner") ?? [];
  if (series.length > 0) {
    // one line per container: two containers of one role (the LMS and its proxy) are not one series
    const prefix = sharedPrefix(series.map((r) => r.container));
    const label = (r: (typeof series)[number]) => {
      const name = r.container.slice(prefix.length);
      return r.role && r.role !== name ? `${name} (${r.role})` : name;
    };
    const cpu = series.flatMap((r) =>
      r.samples.map((s) => ({ t: s.t, container: label(r), value: s.cpuCores })),
    );
    const memory = series.flatMap((r) =>
      r.samples.map((s) => ({ t: s.t, container: label(r), value: s.memoryBytes / 1e6 })),
    );
    const timeSeries = (values: object[], title: string) => ({
      ...base,
      data: { values },
      mark: { type: "line" as const, strokeWidth: 1.75 },
      encoding: {
        x: { field: "t", type: "quantitative" as const, title: "seconds since start" },
        y: { field: "value", type: "quantitative" as const, title },
        color: { field: "container", type: "nominal" as const, title: null },
      },
    });
    charts.push({
      id: "cpu",
      title: "Server CPU over time",
      caption: "CPU used by each sandbox container, in cores (1.0 = one full core).",
      spec: timeSeries(cpu, "CPU (cores)"),
    });
    charts.push({
      id: "memory",
      title: "Server memory over time",
      caption: "Memory used by each sandbox container, in MB.",
      spec: timeSeries(memory, "memory (MB)"),
    });
  }
  return [...charts, ...bakeoffCharts(report.bakeoff)];
}

/**
 * Renders a vega-lite spec to SVG text, headless (no DOM, no canvas, no network). Vega logs data
 * and spec problems instead of failing; they are collected and thrown so a broken chart never ships.
 */
export async function renderChartSvg(spec: TopLevelSpec, idPrefix = "chart"): Promise<string> {
  const errors: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (method, _level, input) => {
    // vega reports a failed data load as a warning; our specs are fixed, so any warning is a bug
    if (method === "error" || method === "warn")
      errors.push(input.map((x) => (x instanceof Error ? x.message : String(x))).join(" "));
  });
  const compiled = vegaLite.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", loader: offlineLoader(), logger });
  try {
    const svg = await view.toSVG();
    if (errors.length) throw new Error(`chart rendering failed: ${errors.join("; ")}`);
    return scopeSvgIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/**
 * Several SVGs inline in one page share one id space, and vega numbers clip paths with a counter
 * that lives as long as the process: renumber each chart's ids under its own prefix, which keeps
 * references right and makes the html the same bytes on every build.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  const ids = [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1] as string);
  const renamed = new Map(ids.map((id, i) => [id, `${prefix}-${i + 1}`]));
  return svg
    .replace(/\sid="([^"]+)"/g, (_, id: string) => ` id="${renamed.get(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) =>
      renamed.has(id) ? `url(#${renamed.get(id)})` : whole,
    )
    .replace(/href="#([^"]+)"/g, (whole, id: string) =>
      renamed.has(id) ? `href="#${renamed.get(id)}"` : whole,
    );
}

/** Charts carry their data inline; a loader that refuses every fetch keeps rendering offline by construction. */
function offlineLoader() {
  const loader = vega.loader();
  loader.load = async (uri: string) => {
    throw new Error(`charts are rendered offline; refusing to load ${uri}`);
  };
  return loader;
}

export async function renderCharts(report: Report): Promise<(Chart & { svg: string })[]> {
  const out: (Chart & { svg: string })[] = [];
  for (const chart of chartSpecs(report))
    out.push({ ...chart, svg: await renderChartSvg(chart.spec, chart.id) });
  return out;
}

/** The `sandbox-<name>-` every container name starts with (up to a dash), so legends show what differs. */
function sharedPrefix(names: readonly string[]): string {
  if (names.length < 2) return "";
  let prefix = names[0] as string;
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf("-") + 1);
}
