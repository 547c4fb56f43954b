import { describe, expect, it } from "vitest";
import { bystanderResult } from "../../../sandbox-cli/src/capacity/bystander-harm.ts";
import {
  cachedNMax,
  edgeCacheWhatIf,
  prepositionSeconds,
  withCacheMeasurement,
} from "../../../sandbox-cli/src/capacity/edge-cache.ts";
import { describeCachedSite } from "../../../sandbox-cli/src/capacity/edge-cache-render.ts";
import { nMaxFor } from "../../../sandbox-cli/src/capacity/model.ts";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { DEMO_BRANCH } from "../../../sandbox-cli/src/pipeline/demo.ts";
import { buildSiteRows } from "../../../sandbox-cli/src/report/sections.ts";
import { cacheCell, cacheChange } from "../../../sandbox-cli/src/report/site-cache.ts";
import { parseSpecText } from "../../../sandbox-cli/src/sandbox-spec/load-spec.ts";

const branch = DEMO_BRANCH;
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

describe("the cache what-if measured through a real cache", () => {
  const rule = { p95Factor: 2, p95LimitMs: 300, maxErrors: 0 };
  const baseline = { requests: 100, errors: 0, p50Ms: 40, p95Ms: 44, p99Ms: 50 };
  const step = (learners: number, p95Ms: number) => ({
    learners,
    requests: 60,
    errors: 0,
    p50Ms: 40,
    p95Ms,
    p99Ms: p95Ms,
  });
  const probe = (learners: number, degraded: boolean) => ({
    learners,
    rebufferRatio: degraded ? 0.2 : 0,
    p95SegmentFetchOverDuration: degraded ? 1.5 : 0.3,
    errorRate: 0,
    degraded,
    reasons: degraded ? ["rebuffer ratio 0.200 > 0.02"] : [],
  });
  const whatIf = edgeCacheWhatIf(branch, [{ rendition: "720p", peakKbps: 2800 }], "720p", {
    overhead: 0.1,
    lms,
  });

  it("counts playback's N_max when the bystander was never harmed, a lower bound when nothing degraded", () => {
    const bystander = bystanderResult(baseline, [step(9, 46), step(50, 52)], rule, 9);
    const search = { measuredNMax: 50, probes: [probe(50, false)], resolved: true, capped: true };
    const cached = withCacheMeasurement(whatIf, search, bystander);
    expect(cached.measuredNMax).toBe(50);
    expect(cached.measurement).toMatchObject({
      playbackNMax: 50,
      capped: true,
      bound: "playback",
      probes: 1,
    });
    expect(describeCachedSite("branch", cached, 9)).toBe(
      "site branch with an nginx cache in the branch, every viewer at 720p: measured 50 or more at once (bound by playback; other applications' p95 46 ms with 9 learners (44 ms alone)), predicted 73",
    );
    const [row] = buildSiteRows([branch], []);
    const change = cacheChange({ ...(row as NonNullable<typeof row>), edgeCache: cached }, "k");
    expect(change?.lifts).toEqual(["k"]);
    expect(cacheCell({ ...(row as NonNullable<typeof row>), edgeCache: { ...cached, declared: true } })).toBe(
      "nginx: 50 or more measured at 720p (model 73; bound by playback)",
    );
    expect(cacheCell({ ...(row as NonNullable<typeof row>), edgeCache: { ...whatIf, declared: true } })).toBe(
      "nginx: model 73 at 720p, not measured",
    );
    expect(change?.effect).toMatch(
      /predicted 73 at once at 720p for 9 expected, measured 50 or more at once/,
    );
  });

  it("counts harmlessMax when the bystander was harmed before playback degraded", () => {
    const bystander = bystanderResult(baseline, [step(6, 50), step(12, 140), step(9, 120)], rule, 9);
    const search = {
      measuredNMax: 12,
      probes: [probe(12, false), probe(18, true)],
      resolved: false,
      capped: false,
    };
    const cached = withCacheMeasurement(whatIf, search, bystander);
    expect(cached.measuredNMax).toBe(6);
    expect(cached.measurement?.bound).toBe("harm");
    const [row] = buildSiteRows([branch], []);
    expect(cacheChange({ ...(row as NonNullable<typeof row>), edgeCache: cached }, "k")?.lifts).toEqual([]);
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
