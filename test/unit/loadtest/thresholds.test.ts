import { describe, expect, it } from "vitest";
import type { MergedMetric, MergedRun } from "../../../sandbox-cli/src/loadtest/merge.ts";
import { parseSelector } from "../../../sandbox-cli/src/loadtest/selectors.ts";
import {
  evaluateResourceThresholds,
  evaluateThresholds,
  parseExpression,
  thresholdsFromPolicy,
} from "../../../sandbox-cli/src/loadtest/thresholds.ts";
import { sandboxSpecSchema } from "../../../sandbox-cli/src/sandbox-spec/index.ts";

const policy = sandboxSpecSchema.parse({
  name: "t1",
  owner: "me",
  candidates: [{ catalog: "reference-lms" }],
}).policy.thresholds;

const trend = (name: string, values: number[]): MergedMetric => ({
  name,
  type: "trend",
  unit: "ms",
  sorted: Float64Array.from(values).sort(),
  count: values.length,
  sum: values.reduce((a, b) => a + b, 0),
  passes: 0,
  gaugeLast: 0,
  gaugeMin: 0,
  gaugeMax: 0,
});
const rate = (name: string, passes: number, count: number): MergedMetric => ({
  name,
  type: "rate",
  unit: "ratio",
  sorted: new Float64Array(0),
  count,
  sum: passes,
  passes,
  gaugeLast: 0,
  gaugeMin: 0,
  gaugeMax: 0,
});
const run = (metrics: MergedMetric[]): MergedRun => ({
  runId: "r",
  runners: 1,
  startAtMs: 0,
  elapsedS: 60,
  samples: 0,
  bucketS: 5,
  timeline: [],
  metrics: new Map(metrics.map((m) => [m.name, m])),
});

describe("thresholds", () => {
  it("come from the spec's policy, video ones only when there are viewers", () => {
    expect(thresholdsFromPolicy(policy, { video: false }).map((t) => `${t.metric}:${t.expression}`)).toEqual([
      "http_req_duration:p(95)<800",
      "http_req_failed:rate<0.01",
    ]);
    expect(thresholdsFromPolicy(policy, { video: true }).map((t) => `${t.metric}:${t.expression}`)).toContain(
      "hls_time_to_first_frame:p(95)<4000",
    );
  });

  it("are evaluated over the merged values", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // p95 = 95.05
    const results = evaluateThresholds(
      [
        { metric: "http_req_duration", expression: "p(95)<96" },
        { metric: "http_req_duration", expression: "p(95)<95" },
        { metric: "http_req_failed", expression: "rate<0.01" },
        { metric: "hls_rebuffer_ratio", expression: "avg<0.02" },
        { metric: "hls_time_to_first_frame", expression: "p(95)<4000", passWhenNoData: true },
      ],
      run([trend("http_req_duration", values), rate("http_req_failed", 2, 100)]),
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, true]);
    expect(results[0]?.observed).toBeCloseTo(95.05);
    expect(results[2]?.observed).toBe(0.02);
    expect(results[3]?.observed).toBeNull();
  });

  it("explain a bad expression or metric name", () => {
    expect(() => parseExpression("p95 < 800")).toThrow(/write <aggregation><op><number>, e.g. "p\(95\)<800"/);
    expect(() => parseSelector("http req")).toThrow(/is not a metric name/);
    expect(() => parseSelector("http_req_duration{scenario}")).toThrow(
      /tag filter "scenario" must be key:value/,
    );
    expect(parseSelector("http_req_duration{scenario:hls-viewer}").tags).toEqual({ scenario: "hls-viewer" });
  });

  it("check peak server CPU and memory against the container limits", () => {
    const results = evaluateResourceThresholds(policy, [
      {
        container: "lms",
        role: "lms",
        cpuLimitCores: 2,
        memoryLimitBytes: 1000,
        samples: [
          { t: 1, cpuCores: 1.5, memoryBytes: 500, rxBytes: 0, txBytes: 0 },
          { t: 2, cpuCores: 1.7, memoryBytes: 900, rxBytes: 0, txBytes: 0 },
        ],
      },
    ]);
    expect(results.map((r) => [r.observed, r.ok])).toEqual([
      [0.85, false],
      [0.9, false],
    ]);
  });
});
