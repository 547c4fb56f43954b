import { describe, expect, it } from "vitest";
import type { MergedMetric, MergedRun } from "../../../sandbox-cli/src/loadtest/merge.ts";
import { buildLoadPlan } from "../../../sandbox-cli/src/loadtest/plan.ts";
import { buildLoadRunResult, integrityOf } from "../../../sandbox-cli/src/loadtest/result.ts";
import { loadRunResultSchema } from "../../../sandbox-cli/src/loadtest/result-schema.ts";
import { evaluateThresholds } from "../../../sandbox-cli/src/loadtest/thresholds.ts";
import { sandboxSpecSchema } from "../../../sandbox-cli/src/sandbox-spec/index.ts";

const counter = (name: string, sum: number): MergedMetric => ({
  name,
  type: "counter",
  unit: "count",
  sorted: new Float64Array(0),
  count: sum,
  sum,
  passes: 0,
  gaugeLast: 0,
  gaugeMin: 0,
  gaugeMax: 0,
});
const merged = (metrics: MergedMetric[]): MergedRun => ({
  runId: "lt-1",
  runners: 2,
  startAtMs: 0,
  elapsedS: 30,
  samples: 10,
  bucketS: 1,
  metrics: new Map(metrics.map((m) => [m.name, m])),
  timeline: [{ t: 0, activeLearners: 2, requests: 4, errors: 0, p95Ms: 12, bytesIn: 100 }],
});

describe("LoadRunResult", () => {
  it("fails integrity when the LMS stored fewer commits or statements than were acknowledged", () => {
    const run = merged([counter("lms_commits_sent", 10), counter("lms_statements_sent", 4)]);
    expect(integrityOf(run, { commitsStored: 10, statementsStored: 4 })?.ok).toBe(true);
    expect(integrityOf(run, { commitsStored: 9, statementsStored: 4 })).toEqual({
      commitsSent: 10,
      commitsStored: 9,
      statementsSent: 4,
      statementsStored: 4,
      ok: false,
    });
    expect(integrityOf(run, null)).toBeNull();
  });

  it("is valid against the shared contract and fails when integrity fails", () => {
    const spec = sandboxSpecSchema.parse({
      name: "r1",
      owner: "o",
      candidates: [{ catalog: "reference-lms" }],
    });
    const plan = buildLoadPlan({
      runId: "lt-1",
      spec,
      sites: [],
      overrides: { learners: 2, runners: 2 },
      learnerPassword: "x",
      targets: { lms: { baseUrl: "http://127.0.0.1:1", courseId: "c" } },
    });
    const run = merged([counter("lms_commits_sent", 3), counter("http_reqs", 4)]);
    const args = {
      plan,
      sandbox: "r1",
      startedAt: new Date(0),
      endedAt: new Date(30_000),
      merged: run,
      resources: [],
      thresholds: evaluateThresholds([], run),
    };
    const ok = buildLoadRunResult({
      ...args,
      integrity: integrityOf(run, { commitsStored: 3, statementsStored: 0 }),
    });
    expect(loadRunResultSchema.safeParse(ok).success).toBe(true);
    expect(ok).toMatchObject({
      passed: true,
      plan: { learners: 2, runners: 2, scenarios: ["learner-journey"] },
      engine: { name: "esb-load" },
    });
    expect(ok.metrics.http_reqs).toEqual({ type: "counter", values: { count: 4, rate: 4 / 30 } });
    const lost = buildLoadRunResult({
      ...args,
      integrity: integrityOf(run, { commitsStored: 2, statementsStored: 0 }),
    });
    expect(lost.passed).toBe(false);
  });
});
