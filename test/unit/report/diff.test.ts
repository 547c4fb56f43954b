import { describe, expect, it } from "vitest";
import { buildReport, diffReports, renderDiff } from "../../../sandbox-cli/src/report/index.ts";
import type { ReportInput } from "../../../sandbox-cli/src/report/input.ts";
import { fixtureInput } from "./fixture.ts";

describe("report diff", () => {
  it("says so when nothing changed", async () => {
    const a = buildReport(await fixtureInput());
    const diff = diffReports(a, structuredClone(a));
    expect(diff.same).toBe(true);
    expect(renderDiff(diff)).toBe("verdict: PROMOTE WITH CONDITIONS (unchanged)\nno other change\n");
  });

  it("lists what changed: verdict, capacity per site, latency, thresholds, policy, reasons, findings", async () => {
    const older = buildReport(await fixtureInput());
    const input: { -readonly [K in keyof ReportInput]: ReportInput[K] } = await fixtureInput();
    if (!input.load?.thresholds[0] || !input.course || !input.capacity?.sites[1])
      throw new Error("fixture changed");
    input.load.thresholds[0] = { ...input.load.thresholds[0], observed: 950, ok: false };
    const duration = input.load.metrics.http_req_duration;
    if (duration?.type === "trend") duration.values.p95 = 950;
    input.capacity.sites[1].measuredNMax = 30;
    input.sites = input.sites.filter((s) => s.name !== "home");
    input.capacity.sites = input.capacity.sites.filter((s) => s.site !== "home");
    input.course.findings.push({
      code: "EXTERNAL_HTTP",
      severity: "warning",
      message: "http://cdn",
      path: "a.html",
    });
    input.policy = input.policy.map((p) =>
      p.rule === "images-from-allowed-registries" ? { ...p, ok: true } : p,
    );
    const newer = buildReport(input);

    const diff = diffReports(older, newer);
    expect(diff.same).toBe(false);
    expect(renderDiff(diff).split("\n")).toEqual([
      "verdict: PROMOTE WITH CONDITIONS -> REJECT",
      "site lyon: capacity 32 -> 30, expected 25 -> 25, smaller-rendition -> fits",
      "site home: removed",
      "p95 response time: 413 ms -> 950 ms",
      "threshold http_req_duration p(95)<800: pass -> fail",
      "policy images-from-allowed-registries: fail -> pass",
      "+ reason reject threshold-failed: http_req_duration p(95)<800",
      "- reason condition policy-advisory: images-from-allowed-registries",
      "- reason condition site-smaller-rendition: lyon",
      "+ finding warning EXTERNAL_HTTP a.html",
      "",
    ]);
  });
});
