import { describe, expect, it } from "vitest";
import { parseRunnerConfig } from "../../../loadtests/lib/config.ts";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { buildLoadPlan, type PlanInput } from "../../../sandbox-cli/src/loadtest/plan.ts";
import { sandboxSpecSchema } from "../../../sandbox-cli/src/sandbox-spec/index.ts";

const spec = sandboxSpecSchema.parse({
  name: "plan-test",
  owner: "trainer@example.com",
  candidates: [{ catalog: "reference-lms" }],
  load: {
    peakLearners: 40,
    rampUp: "20s",
    duration: "2m",
    maxLearners: 100,
    maxDuration: "10m",
    videoShare: 0.5,
    commitInterval: "20s",
  },
});
const sites = [
  { name: "branch", downlinkMbps: 20, uplinkMbps: 5, rttMs: 40, learners: 30, trainingShare: 0.5 },
];
const input = (overrides: PlanInput["overrides"] = {}, targets: PlanInput["targets"] = full): PlanInput => ({
  runId: "run-1",
  spec,
  sites,
  overrides,
  targets,
  mediaDurationS: 90,
  learnerPassword: "secret-password",
});
const full: PlanInput["targets"] = {
  lms: { baseUrl: "http://127.0.0.1:18080", courseId: "golf" },
  media: { baseUrl: "http://127.0.0.1:18081", masters: ["/media/golf/master.m3u8"] },
};

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    return isSandboxError(error) ? `${error.code}: ${error.message} | ${error.hint}` : String(error);
  }
  return undefined;
}

describe("load plan", () => {
  it("takes learners, ramp and duration from the spec; video for videoShare of them", () => {
    const plan = buildLoadPlan(input());
    expect(plan).toMatchObject({ learners: 40, viewers: 20, rampUpS: 20, durationS: 120, runners: 1 });
    expect(plan.scenarios).toEqual(["learner-journey", "hls-viewer"]);
    const journey = plan.runner.scenarios["learner-journey"];
    expect(journey?.stages).toEqual([
      { durationS: 20, target: 40 },
      { durationS: 120, target: 40 },
    ]);
    expect(journey).toMatchObject({
      commitIntervalS: 20,
      thinkTimeS: { min: 3, max: 15 },
      sessionS: 90,
      courseId: "golf",
    });
    expect(plan.runner.scenarios["hls-viewer"]).toMatchObject({
      countsAsLearners: false,
      masters: ["/media/golf/master.m3u8"],
    });
    expect(plan.thresholds.map((t) => t.metric)).toContain("hls_rebuffer_ratio");
    // the config every runner receives is valid for the runner's own parser
    expect(() => parseRunnerConfig({ ...plan.runner, samplesPath: "/tmp/x", segment: "1/1" })).not.toThrow();
  });

  it("gives each viewer its fair share of the site's training bandwidth", () => {
    const plan = buildLoadPlan(input({ site: "branch", learners: 10 }));
    expect(plan.bandwidthKbps).toBe(1000); // 20 Mbit/s x 0.5 / 10
    expect(plan.runner.scenarios["hls-viewer"]?.bandwidthKbps).toBe(1000);
    expect(plan.runner.scenarios["hls-viewer"]?.pinnedBandwidthBps).toBeUndefined();
  });

  it("pins every viewer to one rendition for a capacity probe", () => {
    const plan = buildLoadPlan(input({ site: "branch", learners: 10, pinnedRenditionKbps: 763.5 }));
    expect(plan.runner.scenarios["hls-viewer"]?.pinnedBandwidthBps).toBe(763_500);
    expect(() => parseRunnerConfig({ ...plan.runner, samplesPath: "/tmp/x", segment: "1/1" })).not.toThrow();
  });

  it("applies overrides and splits over runners", () => {
    const plan = buildLoadPlan(input({ learners: 12, rampS: 5, durationS: 30, runners: 3 }));
    expect(plan).toMatchObject({ learners: 12, viewers: 6, rampUpS: 5, durationS: 30, runners: 3 });
    expect(plan.runner.maxRunS).toBe(5 + 30 + 10 + 30);
  });

  it("takes the runners from the spec's load.runners unless --runners says otherwise", () => {
    const withRunners = { ...input({}), spec: { ...spec, load: { ...spec.load, runners: 4 } } };
    expect(buildLoadPlan(withRunners).runners).toBe(4);
    expect(buildLoadPlan({ ...withRunners, overrides: { runners: 2 } }).runners).toBe(2);
  });

  it("without media, all learners run the journey and no video thresholds apply", () => {
    const plan = buildLoadPlan(input({}, { lms: full.lms }));
    expect(plan.scenarios).toEqual(["learner-journey"]);
    expect(plan.thresholds.map((t) => t.metric)).not.toContain("hls_rebuffer_ratio");
  });

  it("refuses what the spec caps, with the fix", () => {
    expect(codeOf(() => buildLoadPlan(input({ learners: 101 })))).toMatch(
      /^LOAD_OVER_CAP: 101 learners is above this sandbox's cap of 100 \(load.maxLearners\) \| pass --learners 100 or less/,
    );
    expect(codeOf(() => buildLoadPlan(input({ durationS: 590, rampS: 20 })))).toMatch(
      /LOAD_OVER_CAP: ramp 20s \+ duration 590s is above this sandbox's cap of 10m/,
    );
    expect(codeOf(() => buildLoadPlan(input({ runners: 0 })))).toMatch(
      /LOAD_BAD_RUNNERS: --runners 0 is out of range \| pass a whole number from 1 to 32/,
    );
    expect(codeOf(() => buildLoadPlan(input({ learners: 2, runners: 3 })))).toMatch(
      /LOAD_BAD_RUNNERS: 3 runners for 2 learners/,
    );
    expect(codeOf(() => buildLoadPlan(input({ learners: 0 })))).toMatch(/LOAD_BAD_LEARNERS/);
    expect(codeOf(() => buildLoadPlan(input({ site: "mars" })))).toMatch(
      /LOAD_UNKNOWN_SITE: no site "mars" in the spec \| pass --site with one of: branch/,
    );
    expect(codeOf(() => buildLoadPlan(input({}, {})))).toMatch(/LOAD_NOTHING_TO_LOAD/);
  });
});
