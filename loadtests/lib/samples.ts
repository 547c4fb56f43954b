import { createWriteStream, type WriteStream } from "node:fs";

/**
 * Raw sample files ("esb-samples/1"): NDJSON, one line per record, written by every runner and merged
 * exactly by the CLI.
 *
 *   {"k":"header","format":"esb-samples/1","runId":"r1","segment":"2/3","startAtMs":1764441600000,"engine":{...}}
 *   {"k":"metric","id":0,"name":"http_req_duration","type":"trend","unit":"ms"}
 *   {"k":"tags","id":0,"tags":{"scenario":"hls-viewer","name":"hls_segment","status":"200"}}
 *   [1523.4,0,12.731,0]          <- a sample: [ms since startAtMs, metric id, value, tag-set id]
 *   {"k":"end","samples":48211,"endMs":61234.5}
 *
 * Metric and tag-set ids are local to one file; declarations always precede their first use. A file
 * without its "end" line comes from a runner that did not finish, and the merge refuses it.
 */
export const SAMPLE_FORMAT = "esb-samples/1";

export type MetricType = "trend" | "counter" | "rate" | "gauge";
export type MetricUnit = "ms" | "s" | "bytes" | "ratio" | "count";
export type Tags = Readonly<Record<string, string>>;

export interface SampleHeader {
  k: "header";
  format: typeof SAMPLE_FORMAT;
  runId: string;
  segment: string;
  startAtMs: number;
  engine: { name: string; version: string };
}
export interface MetricDeclaration {
  k: "metric";
  id: number;
  name: string;
  type: MetricType;
  unit: MetricUnit;
}
export interface TagDeclaration {
  k: "tags";
  id: number;
  tags: Tags;
}
export interface SampleFooter {
  k: "end";
  samples: number;
  endMs: number;
}
export type SampleRecord = SampleHeader | MetricDeclaration | TagDeclaration | SampleFooter;
export type SampleTuple = [t: number, metric: number, value: number, tags: number];

export interface SampleSink {
  declareMetric(name: string, type: MetricType, unit: MetricUnit): number;
  tagSet(tags: Tags): number;
  write(tMs: number, metricId: number, value: number, tagId: number): void;
  /** hands what is buffered to the file (whole lines only), so the file can be read while the run goes on. */
  flush?(): void;
  close(endMs: number): Promise<void>;
  readonly count: number;
}

/** bytes per chunk handed to the file stream. */
const CHUNK_BYTES = 64 * 1024;
/** room always left for one sample line: 4 numbers of at most 24 characters, brackets, commas, newline. */
const SAMPLE_MAX_BYTES = 128;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Writes a raw sample file. Sample lines are encoded straight into a byte chunk: a string per sample (or a
 * growing string of them) lives long enough to be promoted to the old heap, and the collector then cost the
 * runner more than its requests. The bytes are exactly those of `[${round3(t)},${metric},${round3(v)},${tags}]`.
 */
export class NdjsonSampleWriter implements SampleSink {
  private readonly out: WriteStream;
  private chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  private pos = 0;
  private readonly metricIds = new Map<string, number>();
  private readonly tagIds = new Map<string, number>();
  private failure: Error | undefined;
  count = 0;

  constructor(path: string, header: Omit<SampleHeader, "k" | "format">) {
    this.out = createWriteStream(path, { flags: "w" });
    this.out.on("error", (error) => {
      this.failure = error;
    });
    this.line({ k: "header", format: SAMPLE_FORMAT, ...header });
  }

  declareMetric(name: string, type: MetricType, unit: MetricUnit): number {
    const existing = this.metricIds.get(name);
    if (existing !== undefined) return existing;
    const id = this.metricIds.size;
    this.metricIds.set(name, id);
    this.line({ k: "metric", id, name, type, unit });
    return id;
  }

  tagSet(tags: Tags): number {
    const key = JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const existing = this.tagIds.get(key);
    if (existing !== undefined) return existing;
    const id = this.tagIds.size;
    this.tagIds.set(key, id);
    this.line({ k: "tags", id, tags });
    return id;
  }

  write(tMs: number, metricId: number, value: number, tagId: number): void {
    this.count++;
    if (this.pos > CHUNK_BYTES - SAMPLE_MAX_BYTES) this.flush();
    const b = this.chunk;
    let p = this.pos;
    b[p++] = 0x5b; // [
    p = writeRounded3(b, p, tMs);
    b[p++] = 0x2c; // ,
    p = writeRounded3(b, p, metricId);
    b[p++] = 0x2c;
    p = writeRounded3(b, p, value);
    b[p++] = 0x2c;
    p = writeRounded3(b, p, tagId);
    b[p++] = 0x5d; // ]
    b[p++] = 0x0a; // \n
    this.pos = p;
  }

  async close(endMs: number): Promise<void> {
    this.line({ k: "end", samples: this.count, endMs: round3(endMs) });
    this.flush();
    await new Promise<void>((resolve, reject) =>
      this.out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    if (this.failure) throw this.failure;
  }

  private line(record: SampleRecord): void {
    const text = `${JSON.stringify(record)}\n`;
    const bytes = Buffer.byteLength(text);
    if (this.pos + bytes > CHUNK_BYTES - SAMPLE_MAX_BYTES) this.flush();
    if (bytes > CHUNK_BYTES - SAMPLE_MAX_BYTES) this.out.write(text);
    else this.pos += this.chunk.write(text, this.pos, "utf8");
  }

  flush(): void {
    if (this.pos === 0) return;
    // the stream keeps this chunk until it is written: the next samples go to a fresh one
    this.out.write(this.chunk.subarray(0, this.pos));
    this.chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    this.pos = 0;
  }
}

/**
 * Writes `String(round3(v))` into `b` at `p` without making a string; returns the end. Below 1e12 the double
 * nearest to k/1000 prints as the decimal k/1000 (its spacing is far under 0.001), so the digits are k's;
 * anything else (NaN, huge values) takes the string path.
 */
export function writeRounded3(b: Buffer, p: number, v: number): number {
  if (!(v > -1e12 && v < 1e12)) return p + b.write(String(round3(v)), p, "latin1");
  const k = Math.round(v * 1000);
  let a = k;
  if (k < 0) {
    b[p++] = 0x2d; // -
    a = -k;
  }
  const whole = Math.floor(a / 1000);
  let frac = a - whole * 1000;
  p = writeDigits(b, p, whole);
  if (frac === 0) return p;
  b[p++] = 0x2e; // .
  b[p++] = 0x30 + Math.floor(frac / 100);
  frac %= 100;
  if (frac === 0) return p;
  b[p++] = 0x30 + Math.floor(frac / 10);
  frac %= 10;
  if (frac === 0) return p;
  b[p++] = 0x30 + frac;
  return p;
}

/** a non-negative integer below 1e12 in decimal. */
function writeDigits(b: Buffer, p: number, n: number): number {
  let digits = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
  let end = p + digits;
  for (let x = n; end > p; x = Math.floor(x / 10)) b[--end] = 0x30 + (x % 10);
  return p + digits;
}

/** Accepts samples and drops them: for in-process runs that only want the summary. */
export class NullSampleSink implements SampleSink {
  private readonly metricIds = new Map<string, number>();
  count = 0;
  declareMetric(name: string): number {
    const id = this.metricIds.get(name) ?? this.metricIds.size;
    this.metricIds.set(name, id);
    return id;
  }
  tagSet(): number {
    return 0;
  }
  write(): void {
    this.count++;
  }
  async close(): Promise<void> {}
}
