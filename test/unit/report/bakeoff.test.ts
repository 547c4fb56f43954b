import { describe, expect, it } from "vitest";
import { candidatesByKind } from "../../../sandbox-cli/src/pipeline/bakeoff.ts";
import {
  bakeoffRow,
  bestCandidate,
  maxLearnersWithinThresholds,
} from "../../../sandbox-cli/src/report/bakeoff.ts";
import { buildReport } from "../../../sandbox-cli/src/report/build.ts";
import { renderHtml } from "../../../sandbox-cli/src/report/render-html.ts";
import { renderMarkdown } from "../../../sandbox-cli/src/report/render-md.ts";
import { sandboxSpecSchema } from "../../../sandbox-cli/src/sandbox-spec/schema.ts";
import { fixtureInput } from "./fixture.ts";

const policy = sandboxSpecSchema.parse({ name: "bk", owner: "o", candidates: [{ catalog: "media-nginx" }] })
  .policy.thresholds;

async function loadOf(candidate: string, segmentP95: number, passed: boolean) {
  const load = structuredClone((await fixtureInput()).load);
  if (!load) throw new Error("fixture has no load run");
  load.passed = passed;
  load.metrics.hls_segment_fetch_time = {
    type: "trend",
    unit: "ms",
    values: { count: 10, min: 1, max: 90, avg: 20, med: 15, p90: 40, p95: segmentP95, p99: 80 },
  };
  load.resources = [
    {
      container: `sandbox-b-${candidate}`,
      candidate,
      role: "app",
      cpuLimitCores: 0.5,
      memoryLimitBytes: 128e6,
      samples: [
        { t: 0, cpuCores: 0.9, memoryBytes: 10e6, rxBytes: 0, txBytes: 0 },
        { t: load.plan.rampUpS, cpuCores: 0.2, memoryBytes: 20e6, rxBytes: 0, txBytes: 0 },
        { t: load.plan.rampUpS + 1, cpuCores: 0.4, memoryBytes: 30e6, rxBytes: 0, txBytes: 0 },
      ],
    },
  ];
  return load;
}

describe("media bake-off", () => {
  it("a row: p95 segment fetch, CPU held per 100 learners, peak memory per 100, learners held", async () => {
    const load = await loadOf("media-caddy", 42.26, true);
    const row = bakeoffRow("media-caddy", load, policy);
    expect(row.p95SegmentFetchMs).toBe(42.3);
    expect(row.cpuCoresPer100).toBeCloseTo((0.3 * 100) / load.plan.learners, 3);
    expect(row.memoryMbPer100).toBeCloseTo((30 * 100) / load.plan.learners, 3);
    expect(row.maxLearnersWithinThresholds).toBe(load.plan.learners);
  });

  it("a failed run held only the learners active before the first interval over a limit", async () => {
    const load = await loadOf("media-httpd", 50, false);
    load.timeline = [
      { t: 0, activeLearners: 2, requests: 10, errors: 0, p95Ms: 100, bytesIn: 0 },
      { t: 1, activeLearners: 4, requests: 10, errors: 0, p95Ms: 200, bytesIn: 0 },
      { t: 2, activeLearners: 6, requests: 10, errors: 0, p95Ms: policy.httpP95Ms + 1, bytesIn: 0 },
      { t: 3, activeLearners: 3, requests: 10, errors: 0, p95Ms: 100, bytesIn: 0 },
    ];
    expect(maxLearnersWithinThresholds(load, policy)).toBe(4);
  });

  it("the best candidate holds the most learners, then fetches fastest", async () => {
    const rows = [
      bakeoffRow("media-nginx", await loadOf("media-nginx", 30, true), policy),
      bakeoffRow("media-caddy", await loadOf("media-caddy", 20, true), policy),
    ];
    expect(bestCandidate(rows)).toBe("media-caddy");
  });

  it("report.json carries bakeoff[] and the verdict's candidates; html and md show a table per kind", async () => {
    const input = await fixtureInput();
    const rows = [];
    for (const [name, p95] of [
      ["media-nginx", 30],
      ["media-caddy", 20],
      ["media-httpd", 40],
    ] as const)
      rows.push(bakeoffRow(name, await loadOf(name, p95, true), policy));
    const report = buildReport({
      ...input,
      bakeoff: [{ kind: "media", candidates: rows }],
      candidates: { lms: "reference-lms", media: "media-nginx" },
    });
    expect(report.bakeoff?.[0]?.candidates.map((c) => c.candidate)).toEqual([
      "media-nginx",
      "media-caddy",
      "media-httpd",
    ]);
    expect(Object.keys(report.bakeoff?.[0]?.candidates[0] ?? {}).sort()).toEqual(
      [
        "candidate",
        "cpuCoresPer100",
        "errorRate",
        "maxLearnersWithinThresholds",
        "memoryMbPer100",
        "p95SegmentFetchMs",
        "rebufferRatio",
        "timeToFirstFrameMs",
      ].sort(),
    );
    const md = renderMarkdown(report);
    expect(md).toContain("## Media bake-off");
    expect(md).toContain("For reference-lms with media-nginx.");
    expect(md).toMatch(/\| media-caddy +\| 20 ms/);
    const html = await renderHtml(report);
    expect(html).toContain('data-testid="bakeoff-media"');
    expect(html).toContain('data-chart="bakeoff-media"');
    expect(html.match(/<svg/g)?.length).toBeGreaterThan(1);
  });

  it("a report without a bake-off renders as before", async () => {
    const report = buildReport(await fixtureInput());
    expect(report.bakeoff).toBeUndefined();
    expect(renderMarkdown(report)).not.toContain("bake-off");
  });

  it("groups a spec's candidates by kind from the catalog", () => {
    const spec = sandboxSpecSchema.parse({
      name: "bk",
      owner: "o",
      candidates: [
        { catalog: "reference-lms" },
        { catalog: "media-nginx" },
        { catalog: "media-caddy", name: "caddy2" },
      ],
    });
    expect(candidatesByKind(spec)).toEqual({ lms: ["reference-lms"], media: ["media-nginx", "caddy2"] });
  });
});
