import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import type { MetricType, MetricUnit, SampleRecord, Tags } from "../../../loadtests/lib/samples.ts";
import { usageError } from "../errors.ts";

export interface Sample {
  readonly t: number;
  readonly metric: string;
  readonly type: MetricType;
  readonly unit: MetricUnit;
  readonly value: number;
  readonly tags: Tags;
}

/** Every sample of every runner's raw file, in file order, with its metric and tags resolved. */
export async function scanSamples(
  paths: readonly string[],
  visit: (sample: Sample, startAtMs: number) => void,
): Promise<void> {
  for (const path of paths) {
    const metrics: { name: string; type: MetricType; unit: MetricUnit }[] = [];
    const tags: Tags[] = [];
    let startAtMs = 0;
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      if (!line) continue;
      if (line.charCodeAt(0) === 91) {
        const [t, m, v, g] = JSON.parse(line) as [number, number, number, number];
        const metric = metrics[m];
        if (metric)
          visit(
            { t, metric: metric.name, type: metric.type, unit: metric.unit, value: v, tags: tags[g] ?? {} },
            startAtMs,
          );
        continue;
      }
      const record = JSON.parse(line) as SampleRecord;
      if (record.k === "header") startAtMs = record.startAtMs;
      else if (record.k === "metric") metrics[record.id] = record;
      else if (record.k === "tags") tags[record.id] = record.tags;
    }
  }
}

/** Passes and fails of every check, by group path and name (k6's root_group tree, flattened). */
export async function checkBreakdown(paths: readonly string[]) {
  const checks = new Map<string, { group: string; name: string; passes: number; fails: number }>();
  await scanSamples(paths, (s) => {
    if (s.metric !== "checks" || s.tags.check === undefined) return;
    const group = s.tags.group ?? "";
    const key = `${group}\u0000${s.tags.check}`;
    const entry = checks.get(key) ?? { group, name: s.tags.check, passes: 0, fails: 0 };
    if (s.value) entry.passes++;
    else entry.fails++;
    checks.set(key, entry);
  });
  return [...checks.values()];
}

const CSV_TAGS = [
  "check",
  "error",
  "error_code",
  "expected_response",
  "group",
  "method",
  "name",
  "proto",
  "scenario",
  "service",
  "status",
  "subproto",
  "tls_version",
  "url",
];
const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export type OutputSpec = { readonly kind: "json" | "csv"; readonly path: string };

/** `--out json=FILE` / `--out csv=FILE` as specs; anything else is a usage error naming the forms. */
export function parseOut(text: string): OutputSpec {
  const match = /^(json|csv)=(.+)$/.exec(text);
  if (!match?.[1] || !match[2])
    throw usageError(
      "LOAD_BAD_FLAG",
      `--out ${text} is not understood`,
      "write --out json=FILE or --out csv=FILE",
    );
  return { kind: match[1] as "json" | "csv", path: match[2] };
}

async function end(out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** Writes the run's samples in k6's JSON line format (one Metric line before a metric's first Point) or CSV. */
export async function writeOutput(
  spec: OutputSpec,
  paths: readonly string[],
  thresholds: Readonly<Record<string, string[]>>,
): Promise<number> {
  const out = createWriteStream(spec.path);
  const declared = new Set<string>();
  let count = 0;
  if (spec.kind === "csv")
    out.write(`metric_name,timestamp,metric_value,${CSV_TAGS.join(",")},extra_tags,metadata\n`);
  await scanSamples(paths, (s, startAtMs) => {
    if (s.metric === "learners_active") return; // the engine's own gauge for the built-in scenarios
    count++;
    const time = startAtMs + s.t;
    if (spec.kind === "json") {
      if (!declared.has(s.metric)) {
        declared.add(s.metric);
        const contains = s.unit === "ms" ? "time" : s.unit === "bytes" ? "data" : "default";
        out.write(
          `${JSON.stringify({ type: "Metric", data: { name: s.metric, type: s.type, contains, thresholds: thresholds[s.metric] ?? [], submetrics: null }, metric: s.metric })}\n`,
        );
      }
      out.write(
        `${JSON.stringify({ type: "Point", data: { time: new Date(time).toISOString(), value: s.value, tags: s.tags }, metric: s.metric })}\n`,
      );
      return;
    }
    const extra = Object.entries(s.tags)
      .filter(([k]) => !CSV_TAGS.includes(k))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const cells = [
      s.metric,
      String(Math.floor(time / 1000)),
      String(s.value),
      ...CSV_TAGS.map((k) => s.tags[k] ?? ""),
      extra,
      "",
    ];
    out.write(`${cells.map(csvCell).join(",")}\n`);
  });
  await end(out);
  return count;
}
