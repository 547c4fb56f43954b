import * as hdr from "hdr-histogram-js";
import type { MetricType, MetricUnit, SampleSink, Tags } from "./samples.ts";
import type { TrendValues } from "./stats.ts";

/** The engine's own summary of one metric (same shape as LoadRunResult.metrics entries). */
export type MetricSummary =
  | { type: "trend"; unit: MetricUnit; values: TrendValues }
  | { type: "counter"; values: { count: number; rate: number } }
  | { type: "rate"; values: { passes: number; fails: number; rate: number } }
  | { type: "gauge"; values: { value: number; min: number; max: number } };

/**
 * In-process aggregation uses HDR histograms (3 significant digits, microsecond resolution) so memory stays
 * flat however long the run; the exact numbers come from merging the raw samples afterwards.
 */
class Aggregate {
  private readonly histogram: hdr.Histogram | undefined;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  passes = 0;
  last = 0;

  constructor(
    readonly type: MetricType,
    readonly unit: MetricUnit,
  ) {
    if (type === "trend") this.histogram = hdr.build({ numberOfSignificantValueDigits: 3 });
  }

  add(value: number): void {
    this.count++;
    this.sum += value;
    this.last = value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.type === "rate" && value !== 0) this.passes++;
    if (this.histogram) this.histogram.recordValue(Math.max(0, Math.round(value * 1000)));
  }

  summary(elapsedS: number): MetricSummary {
    switch (this.type) {
      case "trend": {
        const h = this.histogram as hdr.Histogram;
        const at = (p: number) => (this.count ? interpolatedPercentile(h, this.count, p) / 1000 : 0);
        return {
          type: "trend",
          unit: this.unit,
          values: {
            count: this.count,
            min: this.count ? this.min : 0,
            max: this.count ? this.max : 0,
            avg: this.count ? this.sum / this.count : 0,
            med: at(50),
            p90: at(90),
            p95: at(95),
            p99: at(99),
          },
        };
      }
      case "counter":
        return { type: "counter", values: { count: this.sum, rate: elapsedS > 0 ? this.sum / elapsedS : 0 } };
      case "rate":
        return {
          type: "rate",
          values: {
            passes: this.passes,
            fails: this.count - this.passes,
            rate: this.count ? this.passes / this.count : 0,
          },
        };
      case "gauge":
        return {
          type: "gauge",
          values: { value: this.last, min: this.count ? this.min : 0, max: this.count ? this.max : 0 },
        };
    }
  }
}

/**
 * The percentile with the same definition as the exact merge (linear interpolation between closest ranks),
 * read from the histogram: HDR's own getValueAtPercentile is nearest-rank, which differs a lot on few values.
 */
function interpolatedPercentile(h: hdr.Histogram, count: number, p: number): number {
  const rank = (p / 100) * (count - 1);
  const low = Math.floor(rank);
  // the (k+1)-th smallest value: HDR rounds the percentile's count to the nearest whole sample.
  const nth = (k: number) => h.getValueAtPercentile((100 * (k + 0.5)) / count);
  const a = nth(low);
  return rank === low ? a : a + (nth(Math.ceil(rank)) - a) * (rank - low);
}

/** A metric handle bound to the registry; `add` records a sample with the caller's base tags plus `tags`. */
export interface Metric {
  readonly name: string;
  add(value: number, tags: Tags): void;
}

/** Every metric of one engine run: aggregates in process and streams every sample to the sink. */
export class MetricRegistry {
  private readonly aggregates = new Map<string, Aggregate>();
  private readonly tagIds = new Map<string, number>();
  private readonly tagIdsByObject = new WeakMap<Tags, number>();

  constructor(
    private readonly sink: SampleSink,
    private readonly clockMs: () => number,
  ) {}

  trend(name: string, unit: MetricUnit = "ms"): Metric {
    return this.metric(name, "trend", unit);
  }
  counter(name: string, unit: MetricUnit = "count"): Metric {
    return this.metric(name, "counter", unit);
  }
  rate(name: string): Metric {
    return this.metric(name, "rate", "ratio");
  }
  gauge(name: string, unit: MetricUnit = "count"): Metric {
    return this.metric(name, "gauge", unit);
  }

  summaries(elapsedS: number): Record<string, MetricSummary> {
    const out: Record<string, MetricSummary> = {};
    for (const [name, aggregate] of this.aggregates) out[name] = aggregate.summary(elapsedS);
    return out;
  }

  private metric(name: string, type: MetricType, unit: MetricUnit): Metric {
    let aggregate = this.aggregates.get(name);
    if (!aggregate) {
      aggregate = new Aggregate(type, unit);
      this.aggregates.set(name, aggregate);
    } else if (aggregate.type !== type) {
      throw new Error(`metric ${name} is already a ${aggregate.type}, not a ${type}`);
    }
    const metricId = this.sink.declareMetric(name, type, unit);
    const target = aggregate;
    return {
      name,
      add: (value, tags) => {
        target.add(value);
        this.sink.write(this.clockMs(), metricId, value, this.tagId(tags));
      },
    };
  }

  private tagId(tags: Tags): number {
    const known = this.tagIdsByObject.get(tags);
    if (known !== undefined) return known;
    let key = "";
    for (const k in tags) key += `${k}\u0001${tags[k]}\u0002`;
    let id = this.tagIds.get(key);
    if (id === undefined) {
      id = this.sink.tagSet(tags);
      this.tagIds.set(key, id);
    }
    if (Object.isFrozen(tags)) this.tagIdsByObject.set(tags, id);
    return id;
  }
}
