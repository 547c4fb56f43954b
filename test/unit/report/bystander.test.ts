import { describe, expect, it } from "vitest";
import type { BystanderResult } from "../../../sandbox-cli/src/capacity/bystander-schema.ts";
import { chartSpecs, renderChartSvg } from "../../../sandbox-cli/src/report/charts.ts";
import { buildReport, renderMarkdown } from "../../../sandbox-cli/src/report/index.ts";
import { fixtureInput } from "./fixture.ts";

const bystander = (harmlessMax: number, capped = false): BystanderResult => ({
  baselineP50Ms: 61,
  baselineP95Ms: 66,
  baselineP99Ms: 70,
  baselineErrors: 0,
  harmRule: { p95Factor: 2, p95LimitMs: 300, maxErrors: 0 },
  harmLineMs: 132,
  steps: [
    { learners: 2, requests: 80, errors: 0, p50Ms: 62, p95Ms: 70, p99Ms: 75, harmed: false, reasons: [] },
    {
      learners: 4,
      requests: 80,
      errors: 0,
      p50Ms: 90,
      p95Ms: capped ? 80 : 170,
      p99Ms: 180,
      harmed: !capped,
      reasons: capped ? [] : ["p95 170 ms > 2 x baseline 66 ms"],
    },
  ],
  harmlessMax,
  capped,
  p95AtExpectedMs: capped ? 80 : 170,
});

/** The fixture run with a bystander measured at site "home" (4 expected, playback measured 4). */
async function withBystanderAtHome(result: BystanderResult) {
  const input = await fixtureInput();
  const home = input.capacity?.sites.find((s) => s.site === "home");
  if (!home) throw new Error("fixture has no site home");
  home.bystander = result;
  return buildReport(input);
}

describe("the bystander in the report", () => {
  it("bounds the site by harm when fewer learners harm it than playback allows, and says so for IT", async () => {
    const report = await withBystanderAtHome(bystander(2));
    const home = report.sites.find((s) => s.site === "home");
    expect(home).toMatchObject({ capacity: 2, capacityBound: "harm", fit: "fewer-learners" });
    expect(home?.bystander).toMatchObject({ baselineP95Ms: 66, harmlessMax: 2, p95AtExpectedMs: 170 });
    expect(home?.bystander?.steps).toEqual([
      { learners: 2, p95Ms: 70, errors: 0 },
      { learners: 4, p95Ms: 170, errors: 0 },
    ]);
    const reason = report.verdict.reasons.find((r) => r.subject === "home");
    expect(reason?.rule).toBe("site-fewer-learners");
    expect(reason?.training).toMatch(/can take 2 of its 4 learners at once without slowing the other/);
    expect(reason?.it).toMatch(/bystander p95 66 ms alone, 170 ms with the 4 expected learners/);
    expect(reason?.it).toMatch(/harmlessMax 2; bound by harm to the other applications, not by playback/);
    expect(renderMarkdown(report)).toMatch(/\| p95 66 ms alone, 170 ms at 4; harmless up to 2 \|/);
    expect(report.verdict.headline).toMatch(
      /; site home: 2 at once, bound by harm to other applications, not by playback\.$/,
    );
  });

  it("charts learners against the bystander's p95 with the harm line", async () => {
    const report = await withBystanderAtHome(bystander(2));
    const chart = chartSpecs(report).find((c) => c.id === "bystander-home");
    expect(chart?.caption).toMatch(/above the red line \(132 ms\) it counts as harmed/);
    const svg = await renderChartSvg(chart?.spec as NonNullable<typeof chart>["spec"], "by");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("learners at once on the link");
  });

  it("leaves playback as the bound when the bystander was never harmed", async () => {
    const report = await withBystanderAtHome(bystander(4, true));
    const home = report.sites.find((s) => s.site === "home");
    expect(home).toMatchObject({ capacity: 4, capacityBound: "playback", fit: "fits" });
    expect(report.verdict.reasons.some((r) => r.subject === "home")).toBe(false);
    expect(report.verdict.headline).toMatch(/; site home: 4 at once, bound by playback, not by harm/);
  });
});
