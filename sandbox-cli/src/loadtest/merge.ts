import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { SampleHeader } from "../../../loadtests/lib/samples.ts";
import { parseSegment } from "../../../loadtests/lib/schedule.ts";
import { ValueBuffer } from "../../../loadtests/lib/stats.ts";
import { OutageTracker } from "./outages.ts";
import type { OutageWindow } from "./result-schema.ts";
import {
  type Accumulator,
  type BucketAccumulator,
  finish,
  incompleteSamples as incomplete,
  type MergedMetric,
  type ReadState,
  SampleFileReader,
  summedGauge,
} from "./sample-reader.ts";
import type { Selector } from "./selectors.ts";

export type { MergedMetric } from "./sample-reader.ts";

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
      selectors: options.selectors ?? [],
      timeline: { bucket, outages },
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

/** Reads a whole sample file; refuses one that did not end as its runner said. */
async function readOne(path: string, runner: number, state: ReadState) {
  const reader = new SampleFileReader(path, runner, state);
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) reader.line(line);
  const { header, footer, count } = reader;
  if (!header) throw incomplete(`${path} has no header line: it is not a raw sample file or it is empty`);
  if (!footer)
    throw incomplete(`${path} ends without its "end" line (runner ${header.segment} stopped early)`);
  if (footer.samples !== count)
    throw incomplete(`${path} declares ${footer.samples} samples but holds ${count}`);
  return { header, endMs: footer.endMs, samples: count };
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
