import { percentileOfSorted, trendValuesOfSorted } from "../../../loadtests/lib/stats.ts";
import type { MergedMetric } from "./merge.ts";
import type { MetricSummary } from "./result-schema.ts";

/** A merged metric in the LoadRunResult shape. */
export function summarizeMetric(metric: MergedMetric, elapsedS: number): MetricSummary {
  switch (metric.type) {
    case "trend":
      return { type: "trend", unit: metric.unit, values: trendValuesOfSorted(metric.sorted) };
    case "counter":
      return {
        type: "counter",
        values: { count: metric.sum, rate: elapsedS > 0 ? metric.sum / elapsedS : 0 },
      };
    case "rate":
      return {
        type: "rate",
        values: {
          passes: metric.passes,
          fails: metric.count - metric.passes,
          rate: metric.count ? metric.passes / metric.count : 0,
        },
      };
    case "gauge":
      return {
        type: "gauge",
        values: { value: metric.gaugeLast, min: metric.gaugeMin, max: metric.gaugeMax },
      };
  }
}

/** The value an aggregation names ("p(95)", "avg", "rate", "count", ...) over merged data; null when it does not apply. */
export function aggregate(metric: MergedMetric, name: string, elapsedS: number): number | null {
  const percentile = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
  if (percentile)
    return metric.type === "trend" && metric.count
      ? percentileOfSorted(metric.sorted, Number(percentile[1]))
      : null;
  switch (name) {
    case "avg":
      return metric.count ? metric.sum / metric.count : null;
    case "min":
      return metric.type === "gauge" ? metric.gaugeMin : metric.count ? (metric.sorted[0] ?? null) : null;
    case "max":
      return metric.type === "gauge"
        ? metric.gaugeMax
        : metric.count
          ? (metric.sorted[metric.sorted.length - 1] ?? null)
          : null;
    case "med":
      return metric.type === "trend" && metric.count ? percentileOfSorted(metric.sorted, 50) : null;
    case "count":
      return metric.type === "counter" ? metric.sum : metric.count;
    case "rate":
      if (metric.type === "rate") return metric.count ? metric.passes / metric.count : null;
      return metric.type === "counter" && elapsedS > 0 ? metric.sum / elapsedS : null;
    case "value":
      return metric.type === "gauge" ? metric.gaugeLast : null;
    default:
      return null;
  }
}
