import { describe, expect, it } from "vitest";
import {
  buildReport,
  canonicalJson,
  reportSchema,
  sha256Hex,
} from "../../../sandbox-cli/src/report/index.ts";
import { MAX_SERIES_POINTS, thin } from "../../../sandbox-cli/src/report/sections.ts";
import { FIXTURE_TIME, fixtureInput } from "./fixture.ts";

describe("buildReport", () => {
  it("judges the fixture run PROMOTE WITH CONDITIONS, with reasons for both audiences", async () => {
    const report = buildReport(await fixtureInput());
    expect(report.schemaVersion).toBe(1);
    expect(report.generatedAt).toBe(FIXTURE_TIME);
    expect(report.verdict.decision).toBe("PROMOTE WITH CONDITIONS");
    expect(report.verdict.exitCode).toBe(5);
    expect(report.verdict.reasons.map((r) => `${r.rule}:${r.subject}`)).toEqual([
      "external-host:fonts.example.com",
      "obsolete-technology:legacy/intro.swf",
      "policy-advisory:images-from-allowed-registries",
      "site-smaller-rendition:lyon",
      "site-smaller-rendition:branch-north",
    ]);
    for (const reason of report.verdict.reasons) {
      expect(reason.training.length).toBeGreaterThan(10);
      expect(reason.it.length).toBeGreaterThan(10);
    }
    expect(report.verdict.changes[0]?.change).toBe("drop the 720p and 480p renditions");
    expect(report.verdict.afterChanges).toBe("PROMOTE");
  });

  it("builds the per-site table from the spec's sites and the capacity model, measured over predicted", async () => {
    const report = buildReport(await fixtureInput());
    expect(
      report.sites.map((s) => [
        s.site,
        s.expectedLearners,
        s.predictedNMax,
        s.measuredNMax,
        s.capacity,
        s.fit,
      ]),
    ).toEqual([
      ["hq", 80, 95, null, 95, "fits"],
      // lyon's measurement names no rendition: it counts for the top one; 360p (predicted 32) lets all in
      ["lyon", 25, 9, 8, 32, "smaller-rendition"],
      ["branch-north", 2, 1, null, 3, "smaller-rendition"],
      ["home", 4, 5, 4, 4, "fits"],
    ]);
  });

  it("keeps the engine's per-container CPU and memory checks and adds none of its own", async () => {
    const report = buildReport(await fixtureInput());
    const metrics = report.thresholds.map((t) => t.metric);
    expect(metrics.filter((m) => m.startsWith("container_cpu_share{"))).toHaveLength(3);
    expect(metrics).not.toContain("server_cpu_share");
    const lms = report.thresholds.find(
      (t) => t.metric === "container_cpu_share{container:sandbox-exec-compliance-reference-lms}",
    );
    expect(lms?.it).toBe(
      "container_cpu_share{container:sandbox-exec-compliance-reference-lms} = 64%, limit max<0.8",
    );
  });

  it("checks server CPU and memory from the resource samples when the engine did not", async () => {
    const input = await fixtureInput();
    if (!input.load) throw new Error("fixture changed");
    input.load.thresholds = input.load.thresholds.filter((t) => !t.metric.startsWith("container_"));
    input.load.resources.push({
      container: "runner-1",
      role: "load-runner",
      cpuLimitCores: 1,
      memoryLimitBytes: 1e9,
      samples: [{ t: 0, cpuCores: 0.99, memoryBytes: 9.9e8, rxBytes: 0, txBytes: 0 }],
    });
    const cpu = buildReport(input).thresholds.find((t) => t.metric === "server_cpu_share");
    expect(cpu).toMatchObject({ expression: "max<0.8", ok: true }); // the busy load runner is not a server
    expect(cpu?.observed).toBeCloseTo(1.28 / 2, 1);

    input.spec.policy.thresholds.serverCpuShare = 0.5;
    const strict = buildReport(input);
    expect(strict.thresholds.find((t) => t.metric === "server_cpu_share")?.ok).toBe(false);
    expect(strict.verdict.decision).toBe("REJECT");
    expect(strict.verdict.reasons[0]?.training).toBe("the LMS server ran out of processing power");
  });

  it("carries the course profile, load summary and provenance", async () => {
    const report = buildReport(await fixtureInput());
    expect(report.course).toMatchObject({ format: "scorm2004", edition: "4th", valid: true });
    expect(report.course?.ladder.map((l) => l.bandwidthKbps)).toEqual([2800, 1400, 800]);
    expect(report.load?.summary).toMatchObject({
      httpP95Ms: 412.6,
      httpErrorRate: 0.0021,
      timeToFirstFrameP95S: 1.9,
      requests: 20480,
    });
    expect(report.provenance.specSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.provenance.tools.loadEngine).toEqual({ name: "esb-load", version: "1.0.0" });
  });

  it("is pure: the same input gives the same bytes and sha256", async () => {
    const a = canonicalJson(buildReport(await fixtureInput()));
    const b = canonicalJson(buildReport(await fixtureInput()));
    expect(a).toBe(b);
    expect(sha256Hex(a)).toBe(sha256Hex(b));
    expect(reportSchema.parse(JSON.parse(a)).verdict.decision).toBe("PROMOTE WITH CONDITIONS");
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth, so field order never changes the sha256", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{\n  "a": {\n    "c": null,\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
    expect(sha256Hex(canonicalJson({ x: 1, y: 2 }))).toBe(sha256Hex(canonicalJson({ y: 2, x: 1 })));
  });

  it("refuses numbers JSON cannot hold, naming where", () => {
    expect(() => canonicalJson({ load: { p95: Number.NaN } })).toThrow(
      "cannot write NaN at $.load.p95 as JSON",
    );
  });
});

describe("thin", () => {
  it("keeps short series whole and long ones under the cap with the last point", () => {
    expect(thin([1, 2, 3])).toEqual([1, 2, 3]);
    const long = Array.from({ length: 1001 }, (_, i) => i);
    const kept = thin(long);
    expect(kept.length).toBeLessThanOrEqual(MAX_SERIES_POINTS + 1);
    expect(kept[0]).toBe(0);
    expect(kept[kept.length - 1]).toBe(1000);
  });
});
