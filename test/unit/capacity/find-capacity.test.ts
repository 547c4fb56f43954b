import { describe, expect, it } from "vitest";
import { findCapacity, type PlaybackOutcome } from "../../../sandbox-cli/src/capacity/find-capacity.ts";

const limits = { rebufferRatio: 0.02, p95SegmentFetchOverDuration: 0.8, errorRate: 0.01 };

/** A link that plays well up to `capacity` learners and stalls beyond. */
function linkWithCapacity(capacity: number) {
  const runs: number[] = [];
  const run = async (learners: number): Promise<PlaybackOutcome> => {
    runs.push(learners);
    const load = learners / Math.max(capacity, 0.5);
    return {
      rebufferRatio: learners > capacity ? 0.1 : 0,
      p95SegmentFetchOverDuration: Math.min(load * 0.7, 3),
      errorRate: 0,
    };
  };
  return { run, runs };
}

describe("findCapacity", () => {
  it("grows from the prediction, then bisects to the boundary", async () => {
    const link = linkWithCapacity(7);
    const result = await findCapacity({ run: link.run, limits, start: 4, maxLearners: 100 });
    expect(result.measuredNMax).toBe(7);
    expect(result.resolved).toBe(true);
    expect(result.capped).toBe(false);
    expect(link.runs).toEqual([4, 6, 9, 7, 8]);
    expect(result.probes.find((p) => p.learners === 8)?.reasons[0]).toContain("rebuffer ratio 0.100 > 0.02");
  });

  it("shrinks when the first guess already degrades", async () => {
    const link = linkWithCapacity(3);
    const result = await findCapacity({ run: link.run, limits, start: 10, maxLearners: 100 });
    expect(result.measuredNMax).toBe(3);
    expect(result.resolved).toBe(true);
    expect(link.runs).toEqual([10, 6, 4, 2, 3]);
  });

  it("reports 0 when even one learner degrades", async () => {
    const result = await findCapacity({ run: linkWithCapacity(0).run, limits, start: 2, maxLearners: 10 });
    expect(result.measuredNMax).toBe(0);
    expect(result.resolved).toBe(true);
  });

  it("stops at maxLearners and says the result is a lower bound", async () => {
    const link = linkWithCapacity(1000);
    const result = await findCapacity({ run: link.run, limits, start: 5, maxLearners: 12 });
    expect(result).toMatchObject({ measuredNMax: 12, capped: true, resolved: true });
    expect(Math.max(...link.runs)).toBe(12);
  });

  it("never runs more than maxProbes load runs", async () => {
    const link = linkWithCapacity(500);
    const result = await findCapacity({ run: link.run, limits, start: 1, maxLearners: 10_000, maxProbes: 4 });
    expect(link.runs).toHaveLength(4);
    expect(result.resolved).toBe(false);
  });

  it("counts slow segment fetches and errors as degradation too", async () => {
    const result = await findCapacity({
      run: async (n) => ({
        rebufferRatio: 0,
        p95SegmentFetchOverDuration: n > 5 ? 0.9 : 0.5,
        errorRate: n > 8 ? 0.5 : 0,
      }),
      limits,
      start: 5,
      maxLearners: 50,
    });
    expect(result.measuredNMax).toBe(5);
    expect(result.probes.find((p) => p.degraded)?.reasons).toEqual([
      "p95 segment fetch / duration 0.90 > 0.8",
    ]);
  });
});
