import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeRounded3 } from "../../../loadtests/lib/samples.ts";

const round3 = (v: number) => Math.round(v * 1000) / 1000;
const encode = (v: number) => {
  const buffer = Buffer.alloc(64);
  return buffer.toString("latin1", 0, writeRounded3(buffer, 0, v));
};

// The sample sink writes numbers straight into byte buffers; the bytes must be exactly String(round3(v)).
describe("writeRounded3", () => {
  it("writes the same text as String(round3(v)) for any double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), (v) => {
        expect(encode(v)).toBe(String(round3(v)));
      }),
      { numRuns: 20_000 },
    );
  });

  it("handles the edges: zeros, halves, negatives, large and non-finite values", () => {
    for (const v of [
      0,
      -0,
      0.0005,
      -0.0005,
      1.2345,
      -1.2345,
      999.9995,
      1e12,
      -1e12,
      1e15,
      Number.NaN,
      Infinity,
      -Infinity,
    ]) {
      expect(encode(v), String(v)).toBe(String(round3(v)));
    }
  });
});
