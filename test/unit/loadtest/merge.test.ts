import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NdjsonSampleWriter } from "../../../loadtests/lib/samples.ts";
import { seededRandom } from "../../../loadtests/lib/sleep.ts";
import { percentileOfSorted } from "../../../loadtests/lib/stats.ts";
import { type MergedMetric, mergeSampleFiles } from "../../../sandbox-cli/src/loadtest/merge.ts";
import { summarizeMetric } from "../../../sandbox-cli/src/loadtest/summarize.ts";

const dir = mkdtempSync(join(tmpdir(), "merge-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Synthetic {
  t: number;
  vu: number;
  duration: number;
  failed: number;
  scenario: string;
}

/** 6000 requests from 30 VUs with a heavy-tailed latency distribution. */
function synthetic(): Synthetic[] {
  const random = seededRandom(42);
  return Array.from({ length: 6000 }, (_, i) => ({
    t: i * 5,
    vu: i % 30,
    duration: Math.exp(3 + 1.2 * (random() + random() + random() - 1.5)),
    failed: random() < 0.02 ? 1 : 0,
    scenario: i % 4 === 0 ? "learner-journey" : "hls-viewer",
  }));
}

async function writeRunners(data: Synthetic[], runners: number, name: string): Promise<string[]> {
  const paths: string[] = [];
  for (let r = 1; r <= runners; r++) {
    const path = join(dir, `${name}-${r}.ndjson`);
    const w = new NdjsonSampleWriter(path, {
      runId: "merge-test",
      segment: `${r}/${runners}`,
      startAtMs: 1,
      engine: { name: "t", version: "0" },
    });
    const duration = w.declareMetric("http_req_duration", "trend", "ms");
    const failed = w.declareMetric("http_req_failed", "rate", "ratio");
    const reqs = w.declareMetric("http_reqs", "counter", "count");
    const learners = w.declareMetric("learners_active", "gauge", "count");
    const mine = data.filter((d) => d.vu % runners === r - 1);
    w.write(0, learners, new Set(mine.map((d) => d.vu)).size, w.tagSet({}));
    for (const d of mine) {
      const tags = w.tagSet({ scenario: d.scenario, status: d.failed ? "500" : "200" });
      w.write(d.t, duration, d.duration, tags);
      w.write(d.t, failed, d.failed, tags);
      w.write(d.t, reqs, 1, tags);
    }
    await w.close(30_000);
    paths.push(path);
  }
  return paths;
}

describe("exact merge of raw samples", () => {
  it("gives identical percentiles whether the samples came from 1 runner or from 3", async () => {
    const data = synthetic();
    const selectors = [
      {
        key: "http_req_duration{scenario:hls-viewer}",
        metric: "http_req_duration",
        tags: { scenario: "hls-viewer" },
      },
    ];
    const one = await mergeSampleFiles(await writeRunners(data, 1, "one"), { selectors });
    const three = await mergeSampleFiles(await writeRunners(data, 3, "three"), { selectors });
    for (const name of ["http_req_duration", "http_req_duration{scenario:hls-viewer}"]) {
      const a = summarizeMetric(one.metrics.get(name) as MergedMetric, one.elapsedS);
      const b = summarizeMetric(three.metrics.get(name) as MergedMetric, three.elapsedS);
      expect(a.type).toBe("trend");
      if (a.type !== "trend" || b.type !== "trend") continue;
      const { avg: avgA, ...restA } = a.values;
      const { avg: avgB, ...restB } = b.values;
      expect(restB).toEqual(restA);
      expect(avgB).toBeCloseTo(avgA, 9);
    }
    // ...and they are the true percentiles of the whole data set, not an average of per-runner ones.
    const all = Float64Array.from(data.map((d) => Math.round(d.duration * 1000) / 1000)).sort();
    const merged = summarizeMetric(three.metrics.get("http_req_duration") as MergedMetric, three.elapsedS);
    expect(merged.type === "trend" && merged.values.p95).toBe(percentileOfSorted(all, 95));
    expect(summarizeMetric(three.metrics.get("http_req_failed") as MergedMetric, 30)).toEqual(
      summarizeMetric(one.metrics.get("http_req_failed") as MergedMetric, 30),
    );
    expect(three.metrics.get("http_reqs")?.sum).toBe(6000);
    // the gauge adds up across runners: 30 learners in total
    expect(three.metrics.get("learners_active")?.gaugeMax).toBe(30);
    expect(three.timeline[0]?.activeLearners).toBe(30);
    expect(three.timeline.map((b) => b.requests)).toEqual(one.timeline.map((b) => b.requests));
    expect(three.timeline.map((b) => b.p95Ms)).toEqual(one.timeline.map((b) => b.p95Ms));
  });

  it("refuses a runner's file that ends without its end line", async () => {
    const [path] = await writeRunners(synthetic().slice(0, 100), 1, "cut");
    const text = readFileSync(path as string, "utf8")
      .trimEnd()
      .split("\n");
    writeFileSync(path as string, `${text.slice(0, -1).join("\n")}\n`);
    await expect(mergeSampleFiles([path as string])).rejects.toThrow(
      /ends without its "end" line \(runner 1\/1 stopped early\)/,
    );
  });

  it("refuses files that do not cover every segment exactly once", async () => {
    const paths = await writeRunners(synthetic().slice(0, 90), 3, "gap");
    await expect(mergeSampleFiles(paths.slice(0, 2))).rejects.toThrow(
      /do not cover the plan exactly once: segments 1\/3, 2\/3/,
    );
  });

  it("refuses a file that is not a raw sample file", async () => {
    const path = join(dir, "other.ndjson");
    writeFileSync(path, '{"k":"header","format":"something-else"}\n');
    await expect(mergeSampleFiles([path])).rejects.toThrow(/is not a esb-samples\/1 file/);
  });
  it("places an outage at the time its failed requests were sent, not when they gave up", async () => {
    // a database lost at 14 s: the LMS hangs on it until 24 s, then fails those requests; back at 24.5 s
    const data: Synthetic[] = [
      ...[2000, 6000, 10_000].map((t) => ({
        t,
        vu: 0,
        duration: 30,
        failed: 0,
        scenario: "learner-journey",
      })),
      ...[14_200, 15_500, 17_000, 19_000, 22_000].map((sent, i) => ({
        t: 24_100 + i * 10,
        vu: i + 1,
        duration: 24_100 + i * 10 - sent,
        failed: 1,
        scenario: "learner-journey",
      })),
      ...[24_500, 25_000, 25_500, 26_000].map((t) => ({
        t: t + 30,
        vu: 0,
        duration: 30,
        failed: 0,
        scenario: "learner-journey",
      })),
    ];
    const merged = await mergeSampleFiles(await writeRunners(data, 2, "hang"));
    expect(merged.outages).toEqual([
      {
        scenario: "learner-journey",
        startS: 14.2,
        recoveredS: 24.5,
        timeToRecoverS: 10.3,
        lastFailureS: 22,
        failedRequests: 5,
        failedIterations: 0,
      },
    ]);
  });
});
