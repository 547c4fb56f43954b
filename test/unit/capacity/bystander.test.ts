import { describe, expect, it } from "vitest";
import {
  type BystanderStep,
  bystanderResult,
  bystanderStats,
  harmlessMaxOf,
  harmReasons,
  nextHarmProbe,
} from "../../../sandbox-cli/src/capacity/bystander-harm.ts";
import { refineHarmBoundary } from "../../../sandbox-cli/src/capacity/bystander-search.ts";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/load-spec.ts";

const rule = { p95Factor: 2, p95LimitMs: 300, maxErrors: 0 };
const baseline = { requests: 100, errors: 0, p50Ms: 41, p95Ms: 45, p99Ms: 50 };
const step = (learners: number, p95Ms: number, errors = 0): BystanderStep => ({
  learners,
  requests: 50,
  errors,
  p50Ms: p95Ms - 4,
  p95Ms,
  p99Ms: p95Ms + 5,
});
const harmed = (s: BystanderStep) => harmReasons(s, baseline.p95Ms, rule).length > 0;

describe("bystander harm", () => {
  it("computes percentiles over successful answers in the window and counts failures", () => {
    const samples = [
      ...Array.from({ length: 100 }, (_, i) => ({ t: 1000 + i, ms: 40 + (i % 10), ok: true })),
      { t: 500, ms: 999, ok: true },
      { t: 1200, ms: 5000, ok: false },
    ];
    const stats = bystanderStats(samples, 1000);
    expect(stats.requests).toBe(101);
    expect(stats.errors).toBe(1);
    expect(stats.p50Ms).toBeCloseTo(44.5, 1);
    expect(stats.p95Ms).toBe(49);
  });

  it("is harmed by p95 over factor x baseline, over the absolute limit, or by any error", () => {
    expect(harmReasons(step(1, 80), 45, rule)).toEqual([]);
    expect(harmReasons(step(1, 95), 45, rule)[0]).toMatch(/p95 95 ms > 2 x baseline 45 ms/);
    expect(harmReasons(step(1, 310), 200, rule)).toEqual(["p95 310 ms > limit 300 ms"]);
    expect(harmReasons(step(1, 50, 1), 45, rule)).toEqual(["1 failed request(s) > 0 allowed"]);
  });

  it("harmlessMax is the largest probed count with every smaller one unharmed", () => {
    expect(harmlessMaxOf([step(6, 200), step(3, 60), step(4, 70)], harmed)).toBe(4);
    expect(harmlessMaxOf([step(2, 120)], harmed)).toBe(0);
    expect(harmlessMaxOf([step(2, 50), step(8, 60)], harmed)).toBe(8);
    expect(nextHarmProbe([step(2, 50), step(8, 200)], harmed)).toBe(5);
    expect(nextHarmProbe([step(4, 50), step(5, 200)], harmed)).toBeUndefined();
    expect(nextHarmProbe([step(4, 150)], harmed)).toBe(2);
  });

  it("refines the boundary by bisection, probes the expected learners, and stays bounded", async () => {
    // on this "link" the bystander is harmed from 3 learners up
    const probed: number[] = [];
    const probe = async (learners: number) => {
      probed.push(learners);
      return step(learners, learners >= 3 ? 150 : 50);
    };
    const steps = await refineHarmBoundary({
      steps: [step(7, 200), step(5, 190)],
      baseline,
      rule,
      probe,
      expectedLearners: 9,
      maxLearners: 50,
    });
    expect(probed).toEqual([2, 3, 9]);
    const result = bystanderResult(baseline, steps, rule, 9);
    expect(result.harmlessMax).toBe(2);
    expect(result.harmLineMs).toBe(90);
    expect(result.p95AtExpectedMs).toBe(150);
    expect(result.steps.map((s) => [s.learners, s.harmed])).toEqual([
      [2, false],
      [3, true],
      [5, true],
      [7, true],
      [9, true],
    ]);
  });
});

const MINIMAL = "name: demo\nowner: anna\ncandidates:\n  - catalog: reference-lms\n";
function refusal(text: string): string {
  try {
    parseSpecText(text, "sandbox.yaml");
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    expect(error.exitCode).toBe(2);
    return error.message;
  }
  throw new Error("expected the spec to be refused");
}

describe("policy.bystanderHarm in the spec", () => {
  it("defaults to 2 x baseline, 300 ms and no errors", () => {
    expect(parseSpecText(MINIMAL).spec.policy.bystanderHarm).toEqual(rule);
  });

  it("refuses bad values with the path and what is allowed", () => {
    expect(refusal(`${MINIMAL}policy: { bystanderHarm: { p95Factor: 0.5 } }\n`)).toMatch(
      /policy\.bystanderHarm\.p95Factor: must be >= 1/,
    );
    expect(refusal(`${MINIMAL}policy: { bystanderHarm: { p95LimitMs: -3 } }\n`)).toMatch(
      /policy\.bystanderHarm\.p95LimitMs: must be > 0/,
    );
    expect(refusal(`${MINIMAL}policy: { bystanderHarm: { maxErrors: 1.5 } }\n`)).toMatch(
      /policy\.bystanderHarm\.maxErrors/,
    );
    expect(refusal(`${MINIMAL}policy: { bystanderHarm: { p99: 3 } }\n`)).toMatch(
      /policy\.bystanderHarm: unknown key "p99"; allowed keys: p95Factor, p95LimitMs, maxErrors/,
    );
  });
});
