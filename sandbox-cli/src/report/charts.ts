import * as vega from "vega";
import * as vegaLite from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
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
  axis: { labelColor: "#374151", titleColor: "#374151", gridColor: "#e5e7eb", domainColor: "#9ca3af", labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal" as const },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: "bottom" as const, direction: "horizontal" as const, labelLimit: 220, titleFontWeight: "normal" as const },
  range: { category: ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0891b2", "#db2777", "#65a30d"] },
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
  if (load && load.timeline.some((p) => p.p95Ms !== null)) {
    const p95Limit = report.thresholds.find((t) => t.metric === "http_req_duration" && t.expression.startsWith("p(95)"));
    const limit = p95Limit ? limitOf(p95Limit.expression) : null;
    const points = load.timeline.filter((p) => p.p95Ms !== null).map((p) => ({ learners: p.activeLearners, p95: p.p95Ms, t: p.t }));
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
            ? [{ data: { values: [{ limit }] }, mark: { type: "rule" as const, color: "#dc2626", strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { field: "limit", type: "quantitative" as const } } }]
            : []),
        ],
      },
    });
  }
  if (load && load.timeline.length > 0) {
    charts.push({
      id: "throughput",
      title: "Throughput over time",
      caption: "What the simulated learners downloaded each second, in Mbit/s, with the number of active learners in grey.",
      spec: {
        ...base,
        data: { values: load.timeline.map((p) => ({ t: p.t, mbps: p.throughputMbps, learners: p.activeLearners })) },
        encoding: { x: { field: "t", type: "quantitative", title: "seconds since start" } },
        layer: [
          {
            mark: { type: "area", line: { color: "#2563eb" }, color: "#bfdbfe", interpolate: "monotone" },
            encoding: { y: { field: "mbps", type: "quantitative", title: "throughput (Mbit/s)" } },
          },
          {
            mark: { type: "line", color: "#6b7280", strokeDash: [3, 3] },
            encoding: { y: { field: "learners", type: "quantitative", title: "active learners", axis: { orient: "right" } } },
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
      caption: "Grey: learners each site expects at once. Blue: how many its link carries, predicted by the capacity model. Green: measured on a shaped link.",
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
            scale: { domain: ["expected", "predicted", "measured"], range: ["#9ca3af", "#2563eb", "#10b981"] },
          },
        },
      },
    });
  }
  const series = load?.resources.filter((r) => r.samples.length > 0) ?? [];
  if (series.length > 0) {
    const label = (r: (typeof series)[number]) => r.role ?? r.container;
    const cpu = series.flatMap((r) => r.samples.map((s) => ({ t: s.t, container: label(r), value: s.cpuCores })));
    const memory = series.flatMap((r) => r.samples.map((s) => ({ t: s.t, container: label(r), value: s.memoryBytes / 1e6 })));
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
  return charts;
}

/** Renders a vega-lite spec to SVG text, headless (no DOM, no canvas, no network). */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", loader: offlineLoader() });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
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
  for (const chart of chartSpecs(report)) out.push({ ...chart, svg: await renderChartSvg(chart.spec) });
  return out;
}
