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
  close(endMs: number): Promise<void>;
  readonly count: number;
}

const FLUSH_CHARS = 64 * 1024;
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Writes a raw sample file, buffering lines into large chunks (a write per sample would cost more than the request). */
export class NdjsonSampleWriter implements SampleSink {
  private readonly out: WriteStream;
  private buffer = "";
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
    this.buffer += `[${round3(tMs)},${metricId},${round3(value)},${tagId}]\n`;
    if (this.buffer.length >= FLUSH_CHARS) this.flush();
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
    this.buffer += `${JSON.stringify(record)}\n`;
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    this.out.write(this.buffer);
    this.buffer = "";
  }
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
