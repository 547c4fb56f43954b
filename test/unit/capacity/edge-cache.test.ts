import { describe, expect, it } from "vitest";
import {
  cachedNMax,
  edgeCacheWhatIf,
  prepositionSeconds,
} from "../../../sandbox-cli/src/capacity/edge-cache.ts";
import { nMaxFor } from "../../../sandbox-cli/src/capacity/model.ts";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { buildSiteRows } from "../../../sandbox-cli/src/report/sections.ts";
import { cacheChange } from "../../../sandbox-cli/src/report/site-cache.ts";
import { parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/load-spec.ts";

const branch = {
  name: "branch",
  downlinkMbps: 10,
  uplinkMbps: 4,
  rttMs: 40,
  learners: 9,
  trainingShare: 0.6,
};
const lms = { downKbps: 40, upKbps: 4 };

describe("the cached form of the capacity model", () => {
  it("carries one copy of the rendition on the WAN and every learner's LMS traffic", () => {
    // 6000 kbit/s for training; 720p at 2800 x 1.1 = 3080 once; 2920 left for 40 kbit/s of LMS each
    expect(cachedNMax(branch, 2800, 0.1, lms)).toBe(73);
    expect(cachedNMax(branch, 2800, 0.1, lms)).toBeGreaterThan(nMaxFor(branch, 2800, 0.1, lms));
    // a rendition the share cannot carry even once: nothing
    expect(cachedNMax(branch, 6000, 0.1, lms)).toBe(0);
  });

  it("says how long pre-positioning takes at the training share", () => {
    // 45 MB at 6 Mbit/s = 60 s
    expect(prepositionSeconds(branch, 45)).toBe(60);
    const ladder = [
      { rendition: "720p", peakKbps: 2800, averageKbps: 2400 },
      { rendition: "360p", peakKbps: 800, averageKbps: 600 },
    ];
    const cache = edgeCacheWhatIf({ ...branch, edgeCache: { kind: "varnish", sizeMb: 64 } }, ladder, "720p", {
      overhead: 0.1,
      lms,
      mediaDurationS: 300,
    });
    expect(cache).toMatchObject({ kind: "varnish", declared: true, rendition: "720p", ladderMb: 112.5 });
    expect(cache.prepositionLadderS).toBe(150);
    expect(cache.prepositionRenditionS).toBe(120);
  });

  it("lists the cache among the changes, lifting nothing until a probe measured it", () => {
    const cache = edgeCacheWhatIf(branch, [{ rendition: "720p", peakKbps: 2800 }], "720p", {
      overhead: 0.1,
      lms,
      mediaDurationS: 120,
    });
    const [row] = buildSiteRows([branch], []);
    const site = { ...(row as NonNullable<typeof row>), edgeCache: cache };
    const change = cacheChange(site, "site-fewer-learners:branch");
    expect(change?.change).toBe("put an nginx cache in site branch");
    expect(change?.effect).toMatch(/predicted 73 at once at 720p for 9 expected, not measured/);
    expect(change?.effect).toMatch(/pre-positioning the whole ladder \(42 MB\) takes 56 s/);
    expect(change?.lifts).toEqual([]);
    const measured = cacheChange({ ...site, edgeCache: { ...cache, measuredNMax: 20 } }, "k");
    expect(measured?.lifts).toEqual(["k"]);
  });
});

describe("sites[].edgeCache in the spec", () => {
  const spec = (cache: string) =>
    `name: demo\nowner: anna\ncandidates:\n  - catalog: reference-lms\nsites:\n  - { name: br, downlinkMbps: 10, learners: 3, edgeCache: ${cache} }\n`;
  const refusal = (text: string) => {
    try {
      parseSpecText(text, "sandbox.yaml");
    } catch (error) {
      if (isSandboxError(error)) return error.message;
      throw error;
    }
    throw new Error("expected a refusal");
  };

  it("accepts nginx and varnish with a size", () => {
    expect(parseSpecText(spec("{ kind: varnish, sizeMb: 256 }")).sites[0]?.edgeCache).toEqual({
      kind: "varnish",
      sizeMb: 256,
    });
  });

  it("refuses an unknown kind or size with the path and the allowed values", () => {
    expect(refusal(spec("{ kind: squid, sizeMb: 256 }"))).toMatch(
      /sites\[0\]\.edgeCache\.kind: must be one of "nginx", "varnish"/,
    );
    expect(refusal(spec("{ kind: nginx, sizeMb: 4 }"))).toMatch(
      /sites\[0\]\.edgeCache\.sizeMb: must be >= 16/,
    );
    expect(refusal(spec("{ kind: nginx }"))).toMatch(/sites\[0\]\.edgeCache\.sizeMb: is required/);
  });
});
