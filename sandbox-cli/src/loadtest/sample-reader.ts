import type {
  MetricType,
  MetricUnit,
  SampleHeader,
  SampleRecord,
  Tags,
} from "../../../loadtests/lib/samples.ts";
import { SAMPLE_FORMAT } from "../../../loadtests/lib/samples.ts";
import { ValueBuffer } from "../../../loadtests/lib/stats.ts";
import { infrastructureError } from "../errors.ts";
import type { OutageTracker } from "./outages.ts";
import { type Selector, selectorMatches } from "./selectors.ts";

/**
 * Exact merge of every runner's raw samples: trends keep every value (sorted once), counters and rates
 * add up, gauges are summed across runners at each instant. Nothing is averaged across runners.
 */
export interface MergedMetric {
  readonly name: string;
  readonly type: MetricType;
  readonly unit: MetricUnit;
  /** trends: every value, ascending. */
  sorted: Float64Array;
  count: number;
  sum: number;
  /** rates: samples that were non-zero. */
  passes: number;
  /** gauges: merged (summed across runners) last, min and max. */
  gaugeLast: number;
  gaugeMin: number;
  gaugeMax: number;
}

/** One metric (or tag-filtered sub-metric) of every runner, as its samples are read. */
export interface Accumulator {
  name: string;
  type: MetricType;
  unit: MetricUnit;
  values: ValueBuffer;
  count: number;
  sum: number;
  passes: number;
  gauge: { t: number; runner: number; v: number }[];
}

export interface BucketAccumulator {
  requests: number;
  errors: number;
  bytesIn: number;
  durations: ValueBuffer;
}

const newAccumulator = (name: string, type: MetricType, unit: MetricUnit): Accumulator => ({
  name,
  type,
  unit,
  values: new ValueBuffer(),
  count: 0,
  sum: 0,
  passes: 0,
  gauge: [],
});

export const incompleteSamples = (message: string) =>
  infrastructureError(
    "LOAD_SAMPLES_INCOMPLETE",
    message,
    "a runner did not finish: look at its log (exit code, out of memory) and run the load test again",
  );

/** What the readers of one run share: the accumulators of every runner, and what they also collect. */
export interface ReadState {
  accumulators: Map<string, Accumulator>;
  selectors: readonly Selector[];
  /** only these metrics (and their selectors) are accumulated; every metric when left out. */
  only?: ReadonlySet<string>;
  /** the run's timeline and outages (the merge); left out by a reader that only judges thresholds. */
  timeline?: { bucket: (tMs: number) => BucketAccumulator; outages: OutageTracker };
}

/** Reads one runner's raw sample file line by line (a whole file, or as it grows during the run). */
export class SampleFileReader {
  header: SampleHeader | undefined;
  footer: { samples: number; endMs: number } | undefined;
  count = 0;
  /** null: declared, but not one of the metrics this reader accumulates. */
  private readonly metricsById: (Accumulator | null)[] = [];
  private readonly selectorHits: Accumulator[][] = [];
  private readonly tagsById: Tags[] = [];
  private lastDuration = { t: -1, g: -1, v: 0 };

  constructor(
    private readonly path: string,
    private readonly runner: number,
    private readonly state: ReadState,
  ) {}

  line(line: string): void {
    if (line.length === 0) return;
    if (line.charCodeAt(0) === 91 /* [ */) this.sample(JSON.parse(line) as [number, number, number, number]);
    else this.record(JSON.parse(line) as SampleRecord);
  }

  private sample([t, m, v, g]: [number, number, number, number]): void {
    const acc = this.metricsById[m];
    if (acc === undefined || !this.tagsById[g])
      throw incompleteSamples(`${this.path}: a sample uses metric ${m} or tag set ${g} before declaring it`);
    this.count++;
    if (acc === null) return;
    add(acc, t, v, this.runner);
    for (const sub of this.selectorHits[m * 100_000 + g] ?? []) add(sub, t, v, this.runner);
    const timeline = this.state.timeline;
    if (!timeline) return;
    if (acc.name === "http_reqs") timeline.bucket(t).requests += v;
    else if (acc.name === "http_req_failed") {
      timeline.bucket(t).errors += v;
      // the duration sample a request writes just before its http_req_failed one (same time, same tags)
      const last = this.lastDuration;
      const issuedMs = last.t === t && last.g === g ? t - last.v : t;
      timeline.outages.request(this.tagsById[g]?.scenario, issuedMs, v !== 0);
    } else if (acc.name === "iteration_errors")
      timeline.outages.iterationError(this.tagsById[g]?.scenario, t);
    else if (acc.name === "data_received") timeline.bucket(t).bytesIn += v;
    else if (acc.name === "http_req_duration") {
      timeline.bucket(t).durations.push(v);
      this.lastDuration = { t, g, v };
    }
  }

  private record(record: SampleRecord): void {
    if (record.k === "header") {
      if (record.format !== SAMPLE_FORMAT)
        throw incompleteSamples(`${this.path} is not a ${SAMPLE_FORMAT} file (format ${record.format})`);
      this.header = record;
    } else if (record.k === "metric") {
      if (this.state.only && !this.state.only.has(record.name)) {
        this.metricsById[record.id] = null;
        return;
      }
      let acc = this.state.accumulators.get(record.name);
      if (!acc) {
        acc = newAccumulator(record.name, record.type, record.unit);
        this.state.accumulators.set(record.name, acc);
      }
      this.metricsById[record.id] = acc;
      this.indexSelectors();
    } else if (record.k === "tags") {
      this.tagsById[record.id] = record.tags;
      this.indexSelectors();
    } else if (record.k === "end") {
      this.footer = record;
    }
  }

  /** Precomputes which (metric, tag set) pairs feed each selector, so the sample loop stays a lookup. */
  private indexSelectors(): void {
    const { state, metricsById, tagsById, selectorHits: hits } = this;
    for (const selector of state.selectors) {
      let sub = state.accumulators.get(selector.key);
      metricsById.forEach((acc, m) => {
        if (!acc || acc.name !== selector.metric) return;
        sub ??= newAccumulator(selector.key, acc.type, acc.unit);
        state.accumulators.set(selector.key, sub);
        tagsById.forEach((tags, g) => {
          const list = hits[m * 100_000 + g] ?? [];
          hits[m * 100_000 + g] = list;
          if (selectorMatches(selector, tags) && !list.includes(sub as Accumulator))
            list.push(sub as Accumulator);
        });
      });
    }
  }
}

function add(acc: Accumulator, t: number, v: number, runner: number): void {
  acc.count++;
  acc.sum += v;
  if (acc.type === "trend") acc.values.push(v);
  else if (acc.type === "rate" && v !== 0) acc.passes++;
  else if (acc.type === "gauge") acc.gauge.push({ t, runner, v });
}

/** The merged metric of what an accumulator holds so far. */
export function finish(acc: Accumulator): MergedMetric {
  let gaugeLast = 0;
  let gaugeMin = 0;
  let gaugeMax = 0;
  if (acc.type === "gauge" && acc.gauge.length) {
    const summed = summedGauge(acc.gauge);
    gaugeLast = summed[summed.length - 1]?.v ?? 0;
    gaugeMin = Math.min(...summed.map((p) => p.v));
    gaugeMax = Math.max(...summed.map((p) => p.v));
  }
  return {
    name: acc.name,
    type: acc.type,
    unit: acc.unit,
    sorted: acc.type === "trend" ? acc.values.sorted() : new Float64Array(0),
    count: acc.count,
    sum: acc.sum,
    passes: acc.passes,
    gaugeLast,
    gaugeMin,
    gaugeMax,
  };
}

/** A gauge summed over runners: at each sample time, the sum of every runner's latest value. */
export function summedGauge(points: { t: number; runner: number; v: number }[]): { t: number; v: number }[] {
  const sorted = [...points].sort((a, b) => a.t - b.t || a.runner - b.runner);
  const latest = new Map<number, number>();
  let sum = 0;
  return sorted.map((p) => {
    sum += p.v - (latest.get(p.runner) ?? 0);
    latest.set(p.runner, p.v);
    return { t: p.t, v: sum };
  });
}
