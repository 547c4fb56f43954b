import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeasuredRendition } from "../../../sandbox-cli/src/capacity/measured.ts";
import { renditionToPin } from "../../../sandbox-cli/src/capacity/measured.ts";
import { describeMeasuredSite } from "../../../sandbox-cli/src/capacity/render.ts";
import type { SiteCapacity } from "../../../sandbox-cli/src/capacity/result-schema.ts";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { DEMO_BRANCH } from "../../../sandbox-cli/src/pipeline/demo.ts";
import { buildSiteRows } from "../../../sandbox-cli/src/report/sections.ts";
import { fitLabel, measuredCell, predictedCell } from "../../../sandbox-cli/src/report/words.ts";
import { runCli } from "../../helpers/cli.ts";

const rung = (rendition: string, nominalKbps: number, peakKbps: number): MeasuredRendition => ({
  rendition,
  nominalKbps,
  peakKbps,
  averageKbps: peakKbps * 0.8,
  height: Number.parseInt(rendition, 10),
  playlists: [],
});
const ladder = [rung("720p", 2950, 2618), rung("540p", 1650, 1397), rung("360p", 950, 763)];

/** The demo's branch: 10 Mbit/s at 60% for training, 9 expected; the model settles on 360p. */
const branch = (measured: { nMax: number; rendition: string | null } | null): SiteCapacity => ({
  site: "branch",
  downlinkMbps: 10,
  uplinkMbps: 4,
  rttMs: 40,
  trainingShare: 0.6,
  expectedLearners: 9,
  lmsPerLearnerKbps: 0,
  renditions: [
    { rendition: "720p", peakKbps: 2618, perLearnerMbps: 3.121, predictedNMax: 1 },
    { rendition: "540p", peakKbps: 1397, perLearnerMbps: 1.777, predictedNMax: 3 },
    { rendition: "360p", peakKbps: 763, perLearnerMbps: 1.08, predictedNMax: 5 },
  ],
  predictedNMax: 5,
  settledRendition: "360p",
  measuredNMax: measured?.nMax ?? null,
  measuredThroughputMbps: null,
  measurement: measured ? { rendition: measured.rendition, probes: [], resolved: true, capped: false } : null,
  whatIf: [],
});
const resolvedBranch = DEMO_BRANCH;

describe("a capacity probe pins one rendition", () => {
  it("finds the rendition by name, or names the ones the ladder has", () => {
    expect(renditionToPin(ladder, "540p")?.nominalKbps).toBe(1650);
    expect(renditionToPin(ladder, undefined)).toBeUndefined();
    try {
      renditionToPin(ladder, "1080p");
      expect.unreachable();
    } catch (error) {
      expect(isSandboxError(error) && error.code).toBe("CAPACITY_UNKNOWN_RENDITION");
      expect((error as Error).message).toContain('no rendition "1080p"');
      expect(isSandboxError(error) && error.hint).toBe("use one of: 720p, 540p, 360p");
    }
  });

  it("sets the measured N_max beside the model's N_max for the same rendition", () => {
    expect(describeMeasuredSite(branch({ nMax: 5, rendition: "360p" }))).toBe(
      "site branch: every viewer at 360p: measured N_max 5, predicted 5 (0% apart)",
    );
    expect(describeMeasuredSite(branch({ nMax: 2, rendition: "540p" }))).toBe(
      "site branch: every viewer at 540p: measured N_max 2, predicted 3 (50% apart)",
    );
    expect(describeMeasuredSite(branch(null))).toBe("site branch: predicted N_max 5, not measured");
  });

  it("the report compares per rendition and judges the fit on the measured rendition", () => {
    const [row] = buildSiteRows([resolvedBranch], [branch({ nMax: 6, rendition: "360p" })]);
    expect(row).toMatchObject({
      predictedNMax: 1,
      predictedRendition: "720p",
      measuredNMax: 6,
      measuredRendition: "360p",
      predictedAtMeasuredRendition: 5,
      capacity: 6,
      capacityRendition: "360p",
      fit: "fewer-learners",
    });
    if (!row) throw new Error("no row");
    expect(predictedCell(row)).toBe("1 at 720p");
    expect(measuredCell(row)).toBe("6 at 360p (model: 5)");
    expect(fitLabel(row)).toBe("fits 6 at once at 360p (waves)");
    // unmeasured, the best rendition's prediction decides: 9 learners are within 2x of 5 at 360p
    expect(buildSiteRows([resolvedBranch], [branch(null)])[0]).toMatchObject({
      capacity: 5,
      capacityRendition: "360p",
      fit: "fewer-learners",
    });
    // measured below the prediction at 360p: 9 is more than 2x 4, and nothing smaller to fall back on
    expect(buildSiteRows([resolvedBranch], [branch({ nMax: 4, rendition: "360p" })])[0]?.fit).toBe(
      "over-capacity",
    );
    // a measurement at 540p leaves 360p at its prediction, which still decides
    expect(buildSiteRows([resolvedBranch], [branch({ nMax: 2, rendition: "540p" })])[0]).toMatchObject({
      capacity: 5,
      capacityRendition: "360p",
      fit: "fewer-learners",
    });
  });
});

describe("sandbox loadtest --find-capacity flags", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "find-capacity-flags-"));
    await writeFile(
      join(dir, "sandbox.yaml"),
      "name: flags-test\nowner: training@example.com\ncandidates:\n  - catalog: media-nginx\nsites:\n  - name: branch\n    profile: small-branch\n    learners: 4\n",
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses --find-capacity without a site and --rendition without --find-capacity (exit 2)", async () => {
    const spec = join(dir, "sandbox.yaml");
    const noSite = await runCli(["loadtest", "--spec", spec, "--find-capacity"]);
    expect(noSite.exitCode).toBe(2);
    expect(noSite.stderr).toContain("--find-capacity needs --site NAME");
    const loneRendition = await runCli([
      "loadtest",
      "--spec",
      spec,
      "--site",
      "branch",
      "--rendition",
      "360p",
    ]);
    expect(loneRendition.exitCode).toBe(2);
    expect(loneRendition.stderr).toContain("--rendition pins the rendition of a capacity search");
    expect(loneRendition.stderr).toContain("add --find-capacity --site NAME");
  });
});
