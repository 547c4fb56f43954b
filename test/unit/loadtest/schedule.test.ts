import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  activeVusAt,
  maxTarget,
  ownsVu,
  parseSegment,
  type Stage,
  segmentVus,
  vuIntervals,
} from "../../../loadtests/lib/schedule.ts";

const activeOf = (stages: Stage[], vus: number[], t: number) =>
  vus.filter((vu) => vuIntervals(stages, vu).some((i) => t >= i.startS && t < i.stopS)).length;

describe("execution segments", () => {
  it("parses i/N and refuses anything else with the fix", () => {
    expect(parseSegment("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1/0", "a/b", "1:3", ""]) {
      expect(() => parseSegment(bad)).toThrow(/write "i\/N" with 1 <= i <= N/);
    }
  });

  it("gives every VU to exactly one of N runners", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 300 }), (n, vus) => {
        const all = Array.from({ length: n }, (_, i) => segmentVus({ index: i + 1, count: n }, vus)).flat();
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: vus }, (_, v) => v));
        for (let v = 0; v < vus; v++) {
          expect(
            Array.from({ length: n }, (_, i) => ownsVu({ index: i + 1, count: n }, v)).filter(Boolean),
          ).toHaveLength(1);
        }
      }),
    );
  });

  it("R runners together run exactly the plan's VUs at every instant", () => {
    const stage = fc.record({
      durationS: fc.integer({ min: 0, max: 60 }),
      target: fc.integer({ min: 0, max: 40 }),
    });
    fc.assert(
      fc.property(
        fc.array(stage, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (stages, runners) => {
          const max = maxTarget(stages);
          // Sampled off the stage boundaries: at the exact instant a VU leaves, the plan still counts it.
          const total = stages.reduce((s, x) => s + x.durationS, 0);
          for (let t = 0.137; t < total; t += 0.5) {
            const sum = Array.from({ length: runners }, (_, i) =>
              activeOf(stages, segmentVus({ index: i + 1, count: runners }, max), t),
            ).reduce((a, b) => a + b, 0);
            expect(sum).toBe(activeVusAt(stages, t));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("ramping VUs", () => {
  const stages: Stage[] = [
    { durationS: 10, target: 10 },
    { durationS: 20, target: 10 },
    { durationS: 10, target: 0 },
  ];

  it("starts VU v when the target passes v+1 and stops it when it drops below", () => {
    expect(vuIntervals(stages, 0)).toEqual([{ startS: 1, stopS: 39 }]);
    expect(vuIntervals(stages, 9)).toEqual([{ startS: 10, stopS: 30 }]);
    expect(vuIntervals(stages, 10)).toEqual([]);
  });

  it("keeps VUs to the end of a plan that ends at its peak, and jumps on 0 s stages", () => {
    expect(
      vuIntervals(
        [
          { durationS: 0, target: 3 },
          { durationS: 5, target: 3 },
        ],
        2,
      ),
    ).toEqual([{ startS: 0, stopS: 5 }]);
    expect(
      vuIntervals(
        [
          { durationS: 4, target: 2 },
          { durationS: 4, target: 0 },
          { durationS: 4, target: 2 },
        ],
        0,
      ),
    ).toEqual([
      { startS: 2, stopS: 6 },
      { startS: 10, stopS: 12 },
    ]);
    // VU 1 touches level 2 only for an instant at t=4, and again at the very end: it never runs.
    expect(
      vuIntervals(
        [
          { durationS: 4, target: 2 },
          { durationS: 4, target: 0 },
          { durationS: 4, target: 2 },
        ],
        1,
      ),
    ).toEqual([]);
  });
});
