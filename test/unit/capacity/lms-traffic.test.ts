import { describe, expect, it } from "vitest";
import {
  learnerSeconds,
  lmsTrafficFromCourse,
  lmsTrafficFromLoadRun,
  lmsTrafficFromTotals,
  playbackFromLoadRun,
} from "../../../sandbox-cli/src/capacity/lms-traffic.ts";
import type { LoadRunResult } from "../../../sandbox-cli/src/loadtest/result-schema.ts";

const trend = (avg: number, p95: number) => ({
  type: "trend" as const,
  unit: "ms" as const,
  values: { count: 10, min: 0, max: p95, avg, med: avg, p90: p95, p95, p99: p95 },
});

function run(partial: Partial<LoadRunResult>): LoadRunResult {
  return {
    schemaVersion: 1,
    runId: "r1",
    startedAt: "2026-01-01T00:00:00Z",
    endedAt: "2026-01-01T00:01:00Z",
    sandbox: "s",
    plan: { learners: 10, rampUpS: 0, durationS: 30, runners: 1, scenarios: ["learner-journey"] },
    metrics: {},
    thresholds: [],
    passed: true,
    timeline: [],
    resources: [],
    integrity: null,
    engine: { name: "esb-load", version: "1.0.0" },
    ...partial,
  };
}

describe("LMS traffic per learner", () => {
  it("is bytes x 8 over learner-seconds", () => {
    // 10 learners for 60 s received 15 MB and sent 1.5 MB: 200 and 20 kbit/s each
    expect(lmsTrafficFromTotals({ downBytes: 15_000_000, upBytes: 1_500_000, learnerSeconds: 600 })).toEqual({
      downKbps: 200,
      upKbps: 20,
    });
    expect(lmsTrafficFromTotals({ downBytes: 5, upBytes: 5, learnerSeconds: 0 })).toEqual({
      downKbps: 0,
      upKbps: 0,
    });
  });

  it("from the course: the non-media package bytes once per session", () => {
    const traffic = lmsTrafficFromCourse({
      files: { uncompressedBytes: 12_000_000 },
      media: [{ sizeBytes: 9_000_000 }, {}],
      sessionS: 1200,
    });
    expect(traffic).toEqual({ downKbps: 20, upKbps: 0 });
  });

  it("from the course: streaming ladders the package carries are media too, not LMS pages", () => {
    // 18 MB package, 17.6 MB of it HLS segments and playlists (no probed video file): 0.4 MB of pages
    const traffic = lmsTrafficFromCourse({
      files: { uncompressedBytes: 18_000_000, mediaBytes: 17_600_000 },
      media: [],
      sessionS: 640,
    });
    expect(traffic).toEqual({ downKbps: 5, upKbps: 0 });
    // the session lasts the longest video, and at least 10 minutes
    expect(
      lmsTrafficFromCourse({
        files: { uncompressedBytes: 750_000, mediaBytes: 0 },
        media: [{ durationS: 30 }],
      }),
    ).toEqual({ downKbps: 10, upKbps: 0 });
  });

  it("from a load run: data counters over the timeline's learner-seconds", () => {
    const timeline = [0, 10, 20].map((t) => ({
      t,
      activeLearners: 5,
      requests: 1,
      errors: 0,
      p95Ms: 1,
      bytesIn: 1,
    }));
    expect(learnerSeconds(timeline)).toBe(150);
    const result = lmsTrafficFromLoadRun(
      run({
        timeline,
        metrics: {
          data_received: { type: "counter", values: { count: 3_750_000, rate: 0 } },
          data_sent: { type: "counter", values: { count: 375_000, rate: 0 } },
        },
      }),
    );
    expect(result).toEqual({ downKbps: 200, upKbps: 20 });
  });

  it("playback outcome of an hls-viewer run, for the capacity search", () => {
    const outcome = playbackFromLoadRun(
      run({
        metrics: {
          hls_rebuffer_ratio: trend(0.05, 0.2),
          hls_segment_fetch_time: trend(1000, 3000),
          http_req_failed: { type: "rate", values: { passes: 1, fails: 99, rate: 0.01 } },
        },
      }),
      6,
    );
    expect(outcome).toEqual({ rebufferRatio: 0.05, p95SegmentFetchOverDuration: 0.5, errorRate: 0.01 });
    // no playback at all counts as fully degraded, not as perfect
    expect(playbackFromLoadRun(run({}), 6)).toEqual({
      rebufferRatio: 1,
      p95SegmentFetchOverDuration: Number.POSITIVE_INFINITY,
      errorRate: 0,
    });
  });
});
