import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type {
  MetricType,
  MetricUnit,
  SampleHeader,
  SampleRecord,
  Tags,
} from "../../../loadtests/lib/samples.ts";
import { SAMPLE_FORMAT } from "../../../loadtests/lib/samples.ts";
import { parseSegment } from "../../../loadtests/lib/schedule.ts";
import { ValueBuffer } from "../../../loadtests/lib/stats.ts";
import { infrastructureError } from "../errors.ts";
import { OutageTracker } from "./outages.ts";
import type { OutageWindow } from "./result-schema.ts";
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

export interface TimelineBucket {
  t: number;
  activeLearners: number;
  requests: number;
  errors: number;
  p95Ms: number | null;
  bytesIn: number;
}

export interface MergedRun {
  readonly runId: string;
  readonly runners: number;
  readonly startAtMs: number;
  /** the longest runner's end, seconds since the shared start. */
  readonly elapsedS: number;
  readonly samples: number;
  readonly metrics: Map<string, MergedMetric>;
  readonly bucketS: number;
  readonly timeline: TimelineBucket[];
  /** stretches in which a scenario's requests kept failing (see outages.ts). */
  readonly outages?: OutageWindow[];
}

interface Accumulator {
  name: string;
  type: MetricType;
  unit: MetricUnit;
  values: ValueBuffer;
  count: number;
  sum: number;
  passes: number;
  gauge: { t: number; runner: number; v: number }[];
}

interface BucketAccumulator {
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

const incomplete = (message: string) =>
  infrastructureError(
    "LOAD_SAMPLES_INCOMPLETE",
    message,
    "a runner did not finish: look at its log (exit code, out of memory) and run the load test again",
  );

export async function mergeSampleFiles(
  paths: readonly string[],
  options: { bucketS?: number; selectors?: readonly Selector[] } = {},
): Promise<MergedRun> {
  if (paths.length === 0) throw incomplete("no raw sample file to merge");
  const bucketS = options.bucketS ?? 5;
  const accumulators = new Map<string, Accumulator>();
  const buckets: BucketAccumulator[] = [];
  const bucket = (tMs: number) => {
    const index = Math.max(0, Math.floor(tMs / 1000 / bucketS));
    for (let i = buckets.length; i <= index; i++)
      buckets.push({ requests: 0, errors: 0, bytesIn: 0, durations: new ValueBuffer() });
    return buckets[index] as BucketAccumulator;
  };
  const headers: SampleHeader[] = [];
  const outages = new OutageTracker();
  let endS = 0;
  let samples = 0;
  for (const [runner, path] of paths.entries()) {
    const file = await readOne(path, runner, {
      accumulators,
      bucket,
      outages,
      selectors: options.selectors ?? [],
    });
    headers.push(file.header);
    endS = Math.max(endS, file.endMs / 1000);
    samples += file.samples;
  }
  checkSegments(headers, paths);
  const metrics = new Map<string, MergedMetric>();
  for (const acc of accumulators.values()) metrics.set(acc.name, finish(acc));
  const vus = accumulators.get("learners_active");
  const active = vus ? activeByBucket(vus.gauge, bucketS, paths.length) : [];
  const timeline = buckets.map((b, i) => ({
    t: i * bucketS,
    activeLearners: active[i] ?? 0,
    requests: b.requests,
    errors: b.errors,
    p95Ms: b.durations.length ? percentile95(b.durations.sorted()) : null,
    bytesIn: b.bytesIn,
  }));
  const first = headers[0] as SampleHeader;
  return {
    runId: first.runId,
    runners: paths.length,
    startAtMs: first.startAtMs,
    elapsedS: endS,
    samples,
    metrics,
    bucketS,
    timeline,
    outages: outages.windows(),
  };
}

function percentile95(sorted: Float64Array): number {
  const rank = 0.95 * (sorted.length - 1);
  const low = Math.floor(rank);
  const a = sorted[low] as number;
  const b = sorted[Math.ceil(rank)] as number;
  return a + (b - a) * (rank - low);
}

interface ReadState {
  accumulators: Map<string, Accumulator>;
  bucket: (tMs: number) => BucketAccumulator;
  outages: OutageTracker;
  selectors: readonly Selector[];
}

async function readOne(path: string, runner: number, state: ReadState) {
  const metricsById: Accumulator[] = [];
  const selectorHits: Accumulator[][] = [];
  const tagsById: Tags[] = [];
  let header: SampleHeader | undefined;
  let footer: { samples: number; endMs: number } | undefined;
  let count = 0;
  // the duration sample a request writes just before its http_req_failed one (same time, same tags)
  let lastDuration = { t: -1, g: -1, v: 0 };
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.length === 0) continue;
    if (line.charCodeAt(0) === 91 /* [ */) {
      const [t, m, v, g] = JSON.parse(line) as [number, number, number, number];
      const acc = metricsById[m];
      if (!acc || !tagsById[g])
        throw incomplete(`${path}: a sample uses metric ${m} or tag set ${g} before declaring it`);
      add(acc, t, v, runner);
      for (const sub of selectorHits[m * 100_000 + g] ?? []) add(sub, t, v, runner);
      if (acc.name === "http_reqs") state.bucket(t).requests += v;
      else if (acc.name === "http_req_failed") {
        state.bucket(t).errors += v;
        const issuedMs = lastDuration.t === t && lastDuration.g === g ? t - lastDuration.v : t;
        state.outages.request(tagsById[g]?.scenario, issuedMs, v !== 0);
      } else if (acc.name === "iteration_errors") state.outages.iterationError(tagsById[g]?.scenario, t);
      else if (acc.name === "data_received") state.bucket(t).bytesIn += v;
      else if (acc.name === "http_req_duration") {
        state.bucket(t).durations.push(v);
        lastDuration = { t, g, v };
      }
      count++;
      continue;
    }
    const record = JSON.parse(line) as SampleRecord;
    if (record.k === "header") {
      if (record.format !== SAMPLE_FORMAT)
        throw incomplete(`${path} is not a ${SAMPLE_FORMAT} file (format ${record.format})`);
      header = record;
    } else if (record.k === "metric") {
      let acc = state.accumulators.get(record.name);
      if (!acc) {
        acc = newAccumulator(record.name, record.type, record.unit);
        state.accumulators.set(record.name, acc);
      }
      metricsById[record.id] = acc;
      indexSelectors(state, metricsById, tagsById, selectorHits);
    } else if (record.k === "tags") {
      tagsById[record.id] = record.tags;
      indexSelectors(state, metricsById, tagsById, selectorHits);
    } else if (record.k === "end") {
      footer = record;
    }
  }
  if (!header) throw incomplete(`${path} has no header line: it is not a raw sample file or it is empty`);
  if (!footer)
    throw incomplete(`${path} ends without its "end" line (runner ${header.segment} stopped early)`);
  if (footer.samples !== count)
    throw incomplete(`${path} declares ${footer.samples} samples but holds ${count}`);
  return { header, endMs: footer.endMs, samples: count };
}

/** Precomputes which (metric, tag set) pairs feed each selector, so the sample loop stays a lookup. */
function indexSelectors(
  state: ReadState,
  metricsById: Accumulator[],
  tagsById: Tags[],
  hits: Accumulator[][],
): void {
  for (const selector of state.selectors) {
    let sub = state.accumulators.get(selector.key);
    metricsById.forEach((acc, m) => {
      if (acc.name !== selector.metric) return;
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

function add(acc: Accumulator, t: number, v: number, runner: number): void {
  acc.count++;
  acc.sum += v;
  if (acc.type === "trend") acc.values.push(v);
  else if (acc.type === "rate" && v !== 0) acc.passes++;
  else if (acc.type === "gauge") acc.gauge.push({ t, runner, v });
}

function finish(acc: Accumulator): MergedMetric {
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
function summedGauge(points: { t: number; runner: number; v: number }[]): { t: number; v: number }[] {
  const sorted = [...points].sort((a, b) => a.t - b.t || a.runner - b.runner);
  const latest = new Map<number, number>();
  let sum = 0;
  return sorted.map((p) => {
    sum += p.v - (latest.get(p.runner) ?? 0);
    latest.set(p.runner, p.v);
    return { t: p.t, v: sum };
  });
}

function activeByBucket(
  points: { t: number; runner: number; v: number }[],
  bucketS: number,
  _runners: number,
): number[] {
  const out: number[] = [];
  for (const p of summedGauge(points)) {
    const i = Math.max(0, Math.floor(p.t / 1000 / bucketS));
    out[i] = Math.max(out[i] ?? 0, p.v);
  }
  for (let i = 0; i < out.length; i++) out[i] ??= 0;
  return out;
}

function checkSegments(headers: SampleHeader[], paths: readonly string[]): void {
  const runIds = new Set(headers.map((h) => h.runId));
  if (runIds.size > 1)
    throw incomplete(`the raw sample files come from different runs: ${[...runIds].join(", ")}`);
  const segments = headers.map((h) => parseSegment(h.segment));
  const n = segments[0]?.count ?? 0;
  const seen = new Set(segments.filter((s) => s.count === n).map((s) => s.index));
  if (segments.some((s) => s.count !== n) || seen.size !== n || paths.length !== n) {
    throw incomplete(
      `the raw sample files do not cover the plan exactly once: segments ${headers.map((h) => h.segment).join(", ")} (expected 1/${n} .. ${n}/${n})`,
    );
  }
}
