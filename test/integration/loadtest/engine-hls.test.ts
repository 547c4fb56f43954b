import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunnerConfig, type RunnerConfigInput } from "../../../loadtests/lib/config.ts";
import { runFromConfig } from "../../../loadtests/lib/run-config.ts";
import { type MergedMetric, mergeSampleFiles } from "../../../sandbox-cli/src/loadtest/merge.ts";
import { runLocalRunners } from "../../../sandbox-cli/src/loadtest/runners.ts";
import { summarizeMetric } from "../../../sandbox-cli/src/loadtest/summarize.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { makeHlsLadder, type StaticServer, serveDirectory } from "./hls-fixture.ts";

const artifacts = join(process.cwd(), "test-artifacts");
const ladder = join(artifacts, "hls-ladder-8s");
let server: StaticServer;
let work: string;

beforeAll(async () => {
  await makeHlsLadder(ladder, 8);
  server = await serveDirectory(ladder);
  work = mkdtempSync(join(artifacts, "loadtest-"));
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const viewers = (
  n: number,
  holdS: number,
  extra: Partial<Record<string, unknown>> = {},
): RunnerConfigInput["scenarios"] => ({
  "hls-viewer": {
    stages: [
      { durationS: 1, target: n },
      { durationS: holdS, target: n },
    ],
    gracefulRampDownS: 2,
    gracefulStopS: 2,
    mediaBaseUrl: server.url,
    masters: ["/master.m3u8"],
    bandwidthKbps: 5000,
    ...extra,
  },
});

const trend = (summary: ReturnType<typeof summarizeMetric> | undefined) => {
  if (summary?.type !== "trend") throw new Error("not a trend");
  return summary.values;
};

describe("load engine against a real HLS server on 127.0.0.1", () => {
  it("runs paced viewers, and the merged p95 of its raw samples matches its own summary within 1%", async () => {
    const samplesPath = join(work, "inproc.ndjson");
    const config = parseRunnerConfig({
      runId: "it-inproc",
      samplesPath,
      maxRunS: 20,
      scenarios: viewers(6, 4),
    });
    const before = server.requests;
    const summary = await runFromConfig(config);
    const merged = await mergeSampleFiles([samplesPath]);
    const reqs = merged.metrics.get("http_reqs")?.sum;
    expect(reqs).toBe(server.requests - before);
    expect(merged.metrics.get("http_req_failed")?.passes).toBe(0);
    expect(merged.metrics.get("checks")?.passes).toBe(merged.metrics.get("checks")?.count);
    for (const name of ["http_req_duration", "hls_segment_fetch_time"]) {
      const exact = trend(summarizeMetric(merged.metrics.get(name) as MergedMetric, merged.elapsedS));
      const own = summary.metrics[name];
      if (own?.type !== "trend") throw new Error(`${name} missing from the engine summary`);
      expect(own.values.count).toBe(exact.count);
      expect(Math.abs(own.values.p95 - exact.p95) / exact.p95).toBeLessThan(0.01);
    }
    // every viewer started playing (ttff) and played at playback pace: about 1 segment a second each
    expect(merged.metrics.get("hls_time_to_first_frame")?.count).toBeGreaterThanOrEqual(6);
    const segments = merged.metrics.get("hls_segment_fetch_time")?.count ?? 0;
    expect(segments).toBeGreaterThan(6 * 2);
    expect(segments).toBeLessThan(6 * 12);
    expect(merged.metrics.get("hls_rebuffer_events")?.sum ?? 0).toBe(0);
    expect(merged.timeline[0]?.activeLearners).toBe(6);
  }, 30_000);

  it("splits viewers over 3 runner processes by execution segment and merges every sample", async () => {
    const outDir = join(work, "three");
    const before = server.requests;
    const config = { runId: "it-three", maxRunS: 20, scenarios: viewers(7, 3) };
    const out = await runLocalRunners(
      { config, runners: 3, outDir, startDelayMs: 1500, maxRunS: 20 },
      silentLogger,
    );
    expect(out.summaries.map((s) => s.vus)).toEqual([3, 2, 2]);
    const merged = await mergeSampleFiles(out.samplePaths);
    expect(merged.runners).toBe(3);
    expect(merged.metrics.get("http_reqs")?.sum).toBe(server.requests - before);
    expect(merged.metrics.get("learners_active")?.gaugeMax).toBe(7);
    expect(merged.samples).toBe(out.summaries.reduce((sum, s) => sum + s.samples, 0));
  }, 40_000);

  it("steps down and counts rebuffering when segments take longer than their duration", async () => {
    // top rendition far too slow, the lowest still slower than real time: step down, then stall
    const slow = await serveDirectory(ladder, {
      delayMs: (path) => (!path.endsWith(".ts") ? 0 : path.includes("/v0/") ? 1500 : 1200),
    });
    try {
      const samplesPath = join(work, "slow.ndjson");
      const config = parseRunnerConfig({
        runId: "it-slow",
        samplesPath,
        maxRunS: 20,
        scenarios: {
          "hls-viewer": {
            ...(viewers(2, 5)?.["hls-viewer"] as object),
            mediaBaseUrl: slow.url,
            startupBufferS: 1,
            maxBufferS: 2,
          },
        },
      });
      await runFromConfig(config);
      const merged = await mergeSampleFiles([samplesPath]);
      expect(merged.metrics.get("hls_rendition_switches")?.sum).toBeGreaterThanOrEqual(2);
      expect(
        trend(summarizeMetric(merged.metrics.get("hls_time_to_first_frame") as MergedMetric, 1)).min,
      ).toBeGreaterThan(1400);
      expect(merged.metrics.get("hls_rebuffer_events")?.sum).toBeGreaterThanOrEqual(2);
      expect(
        trend(summarizeMetric(merged.metrics.get("hls_rebuffer_ratio") as MergedMetric, 1)).avg,
      ).toBeGreaterThan(0.05);
      expect(
        trend(summarizeMetric(merged.metrics.get("hls_segment_fetch_ratio") as MergedMetric, 1)).p95,
      ).toBeGreaterThan(1);
    } finally {
      await slow.close();
    }
  }, 30_000);

  it("holds a pinned rendition however slow its segments come (a capacity probe's viewer)", async () => {
    const segmentPaths: string[] = [];
    const slow = await serveDirectory(ladder, {
      delayMs: (path) => {
        if (path.endsWith(".ts")) segmentPaths.push(path);
        return path.endsWith(".ts") ? 1500 : 0;
      },
    });
    try {
      const samplesPath = join(work, "pinned.ndjson");
      const config = parseRunnerConfig({
        runId: "it-pinned",
        samplesPath,
        maxRunS: 20,
        scenarios: {
          "hls-viewer": {
            ...(viewers(2, 4)?.["hls-viewer"] as object),
            mediaBaseUrl: slow.url,
            // nearer the top variant's BANDWIDTH than v1's: the player must not step down to v1
            pinnedBandwidthBps: 900_000,
            startupBufferS: 1,
            maxBufferS: 2,
          },
        },
      });
      await runFromConfig(config);
      const merged = await mergeSampleFiles([samplesPath]);
      expect(merged.metrics.get("hls_rendition_switches")?.sum ?? 0).toBe(0);
      expect(segmentPaths.length).toBeGreaterThanOrEqual(4);
      expect(segmentPaths.every((path) => path.includes("/v0/"))).toBe(true);
      expect(merged.metrics.get("hls_rebuffer_events")?.sum).toBeGreaterThanOrEqual(2);
    } finally {
      await slow.close();
    }
  }, 30_000);
});
