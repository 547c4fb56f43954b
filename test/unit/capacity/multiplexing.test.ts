import { describe, expect, it } from "vitest";
import { nMaxFor, siteCapacity } from "../../../sandbox-cli/src/capacity/model.ts";
import {
  MULTIPLEXING_Z,
  multiplexedMediaKbps,
  multiplexedNMax,
  segmentSigmaKbps,
} from "../../../sandbox-cli/src/capacity/multiplexing.ts";

describe("the multiplexing term", () => {
  it("bounds sigma by Bhatia-Davis from the peak and the average alone", () => {
    expect(segmentSigmaKbps(1000, 600)).toBeCloseTo(Math.sqrt(400 * 600), 6);
    expect(segmentSigmaKbps(800, 800)).toBe(0);
  });

  it("needs the peak for one learner and falls toward the average as learners grow", () => {
    expect(multiplexedMediaKbps(1000, 600, 1)).toBe(1000);
    // a few learners at a spread-out rendition still need the peak: the term only bites with more
    expect(multiplexedMediaKbps(1000, 600, 4)).toBe(1000);
    const needs = [16, 64, 256, 10_000].map((n) => multiplexedMediaKbps(1000, 600, n));
    for (let i = 1; i < needs.length; i++) expect(needs[i]).toBeLessThan(needs[i - 1] as number);
    expect(needs[3]).toBeCloseTo(600 + (MULTIPLEXING_Z * Math.sqrt(400 * 600)) / 100, 6);
    // never more than the peak, and constant-bitrate media needs its one bitrate at every N
    expect(multiplexedMediaKbps(1000, 950, 2)).toBeLessThanOrEqual(1000);
    expect(multiplexedMediaKbps(800, 800, 50)).toBe(800);
  });

  it("lies between the peak-based and the average-based N_max, and equals the peak one for CBR", () => {
    const budget = 6000;
    const peak = Math.floor(budget / (1000 * 1.1 + 20));
    const average = Math.floor(budget / (600 * 1.1 + 20));
    const n = multiplexedNMax(budget, { peakKbps: 1000, averageKbps: 600 }, 0.1, 20);
    expect(n).toBeGreaterThanOrEqual(peak);
    expect(n).toBeLessThanOrEqual(average);
    const check = (k: number) => k * (multiplexedMediaKbps(1000, 600, k) * 1.1 + 20);
    expect(check(n)).toBeLessThanOrEqual(budget);
    expect(check(n + 1)).toBeGreaterThan(budget);
    expect(multiplexedNMax(budget, { peakKbps: 800, averageKbps: 800 }, 0.1, 20)).toBe(
      Math.floor(budget / (800 * 1.1 + 20)),
    );
  });

  it("is carried per rendition by the site capacity when the average is known, under the uplink limit", () => {
    const site = { name: "b", downlinkMbps: 40, uplinkMbps: 10, rttMs: 40, learners: 9, trainingShare: 0.6 };
    const lms = { downKbps: 20, upKbps: 5 };
    const capacity = siteCapacity(site, [{ rendition: "540p", peakKbps: 1800, averageKbps: 1200 }], {
      overhead: 0.1,
      lms,
    });
    const rung = capacity.renditions[0];
    expect(rung?.predictedNMax).toBe(nMaxFor(site, 1800, 0.1, lms));
    expect(rung?.multiplexedNMax).toBe(
      multiplexedNMax(24_000, { peakKbps: 1800, averageKbps: 1200 }, 0.1, 20),
    );
    expect(rung?.multiplexedNMax).toBeGreaterThan(rung?.predictedNMax ?? 0);
  });
});
