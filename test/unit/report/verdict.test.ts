import { describe, expect, it } from "vitest";
import { ExitCode } from "../../../sandbox-cli/src/errors.ts";
import type { CourseSection } from "../../../sandbox-cli/src/report/schema.ts";
import { buildSiteRows, FAR_OVER_CAPACITY_FACTOR } from "../../../sandbox-cli/src/report/sections.ts";
import { exitCodeFor, judge, type VerdictFacts } from "../../../sandbox-cli/src/report/verdict.ts";
import { passingCheck, passingFacts, site } from "./fixture.ts";

const withCourse = (over: Partial<CourseSection>): VerdictFacts => {
  const facts = passingFacts();
  return { ...facts, course: { ...(facts.course as CourseSection), ...over } };
};
const rules = (facts: VerdictFacts) => judge(facts).reasons.map((r) => `${r.level} ${r.rule}`);

describe("verdict rules", () => {
  it("PROMOTE when every threshold, policy rule and site passes", () => {
    const verdict = judge(passingFacts());
    expect(verdict.decision).toBe("PROMOTE");
    expect(verdict.exitCode).toBe(ExitCode.ok);
    expect(verdict.reasons).toEqual([]);
    expect(verdict.changes).toEqual([]);
    expect(verdict.afterChanges).toBeNull();
  });

  it("maps each decision to the exit code nightly uses (0, 1, 5)", () => {
    expect(exitCodeFor).toEqual({ PROMOTE: 0, REJECT: 1, "PROMOTE WITH CONDITIONS": 5 });
    expect(ExitCode.promoteWithConditions).toBe(5);
  });

  it("REJECT when there is no load-test result", () => {
    const verdict = judge({ ...passingFacts(), load: null, thresholds: [] });
    expect(verdict.decision).toBe("REJECT");
    expect(rules({ ...passingFacts(), load: null, thresholds: [] })).toEqual(["reject not-load-tested"]);
    expect(verdict.changes.map((c) => c.change)).toContain(
      "run `sandbox loadtest` and build the report again",
    );
  });

  it("REJECT on a failed threshold, naming the metric for IT and the effect for Training", () => {
    const failed = passingCheck({
      ok: false,
      observed: 1240,
      training: "course pages and saving progress felt slow",
      it: "http_req_duration = 1240 ms, limit p(95)<800 (failed)",
    });
    const verdict = judge({ ...passingFacts(), thresholds: [failed] });
    expect(verdict.decision).toBe("REJECT");
    expect(verdict.exitCode).toBe(ExitCode.checkFailed);
    expect(verdict.reasons[0]).toMatchObject({
      rule: "threshold-failed",
      subject: "http_req_duration p(95)<800",
      training: "course pages and saving progress felt slow",
      it: expect.stringContaining("1240 ms"),
    });
    expect(verdict.changes).toEqual([
      {
        change: "make http_req_duration p(95)<800 pass (now 1240 ms)",
        lifts: ["threshold-failed:http_req_duration p(95)<800"],
        effect: "removes one blocking reason",
      },
    ]);
  });

  it("REJECT when the load engine marked the run failed even with no threshold listed as failed", () => {
    const facts = { ...passingFacts(), load: { passed: false, integrity: null } };
    expect(rules(facts)).toEqual(["reject threshold-failed"]);
  });

  it("REJECT when commits or statements were lost, even if the producer said ok", () => {
    const lostCommits = {
      commitsSent: 100,
      commitsStored: 97,
      statementsSent: 0,
      statementsStored: 0,
      ok: true,
    };
    const verdict = judge({ ...passingFacts(), load: { passed: true, integrity: lostCommits } });
    expect(verdict.decision).toBe("REJECT");
    expect(verdict.reasons[0]?.rule).toBe("data-lost");
    expect(verdict.reasons[0]?.training).toContain("3 progress saves");
    expect(verdict.reasons[0]?.it).toBe("commits stored 97/100, statements stored 0/0");

    const lostStatements = {
      commitsSent: 0,
      commitsStored: 0,
      statementsSent: 5,
      statementsStored: 4,
      ok: false,
    };
    expect(rules({ ...passingFacts(), load: { passed: true, integrity: lostStatements } })).toEqual([
      "reject data-lost",
    ]);
  });

  it("REJECT an invalid course, naming its error findings", () => {
    const facts = withCourse({
      valid: false,
      findings: [
        {
          code: "MISSING_LAUNCH_FILE",
          severity: "error",
          message: "index.html is missing",
          path: "sco1/index.html",
        },
      ],
    });
    const verdict = judge(facts);
    expect(verdict.decision).toBe("REJECT");
    expect(verdict.reasons[0]?.rule).toBe("course-invalid");
    expect(verdict.reasons[0]?.it).toBe("1 error finding(s): MISSING_LAUNCH_FILE at sco1/index.html");
  });

  it("REJECT on a failed mandatory policy rule; an advisory one only adds a condition", () => {
    const mandatory = {
      rule: "no-privileged",
      enforcement: "mandatory" as const,
      ok: false,
      message: "lms runs privileged",
    };
    const advisory = {
      rule: "images-from-allowed-registries",
      enforcement: "advisory" as const,
      ok: false,
      message: "2800 > 2500 kbit/s",
    };
    expect(judge({ ...passingFacts(), policy: [mandatory] }).decision).toBe("REJECT");
    const conditional = judge({ ...passingFacts(), policy: [advisory] });
    expect(conditional.decision).toBe("PROMOTE WITH CONDITIONS");
    expect(conditional.exitCode).toBe(ExitCode.promoteWithConditions);
    expect(conditional.reasons[0]?.rule).toBe("policy-advisory");
  });

  it("plain-http hosts are a condition, or REJECT under policy.rejectExternalHttp", () => {
    const facts = withCourse({
      externalHosts: [{ host: "cdn.example.com", plainHttp: true, references: 2 }],
    });
    expect(rules(facts)).toEqual(["condition external-http"]);
    expect(rules({ ...facts, rejectExternalHttp: true })).toEqual(["reject external-http"]);
    expect(judge(facts).changes[0]?.change).toBe(
      "serve cdn.example.com over https, or package its files inside the course",
    );
  });

  it("an https external host and obsolete technology are conditions", () => {
    const facts = withCourse({
      externalHosts: [{ host: "fonts.example.com", plainHttp: false, references: 1 }],
      obsoleteTechnology: [{ kind: "flash", path: "intro.swf" }],
    });
    expect(rules(facts)).toEqual(["condition external-host", "condition obsolete-technology"]);
    expect(judge(facts).afterChanges).toBe("PROMOTE");
  });

  it("a site that fits only at a lower rendition is a condition, lifted by dropping the top rendition", () => {
    const short = site({ expectedLearners: 20, fit: "smaller-rendition", fittingRendition: "360p" });
    const verdict = judge({ ...passingFacts(), sites: [short] });
    expect(verdict.decision).toBe("PROMOTE WITH CONDITIONS");
    expect(verdict.reasons[0]?.training).toBe(
      "the 20 learners at site lyon fit only if the video plays at 360p instead of the top quality",
    );
    expect(verdict.changes[0]).toMatchObject({
      change: "drop the 720p rendition",
      lifts: ["site-smaller-rendition:lyon"],
    });
    expect(verdict.afterChanges).toBe("PROMOTE");
  });

  it("a site over capacity by at most the factor is a condition (waves); further over is REJECT", () => {
    const waves = site({ expectedLearners: 15, renditions: [], fit: "fewer-learners" });
    const verdict = judge({ ...passingFacts(), sites: [waves] });
    expect(verdict.decision).toBe("PROMOTE WITH CONDITIONS");
    expect(verdict.reasons[0]?.training).toBe(
      "site lyon can take 9 of its 15 learners at once: schedule the course in 2 waves",
    );

    const over = site({
      expectedLearners: 60,
      fit: "over-capacity",
      whatIf: [
        { change: "downlink 100 Mbit/s -> 200 Mbit/s", predictedNMax: 64 },
        { change: "ladder without its top rendition (720p)", predictedNMax: 32 },
      ],
    });
    const rejected = judge({ ...passingFacts(), sites: [over] });
    expect(rejected.decision).toBe("REJECT");
    expect(rejected.reasons[0]?.it).toContain("N_max 9 (predicted) vs 60 expected");
    expect(rejected.changes).toEqual([
      {
        change: "upgrade site lyon to 1000 Mbit/s",
        lifts: ["site-over-capacity:lyon"],
        effect: "95 at once at 720p for 60 expected (3.13 Mbit/s per learner, 30% of the link for training)",
      },
      {
        change: "upgrade site lyon to 200 Mbit/s",
        lifts: [],
        effect:
          "the capacity model predicts 64 at once at lyon for 60 expected, the player settling on a lower rendition if needed",
      },
      {
        change: "schedule site lyon in 7 waves of at most 9 learners",
        lifts: [],
        effect: "turns the blocking reason for this site into a condition",
      },
    ]);
    expect(rejected.afterChanges).toBe("PROMOTE");
  });

  it("a site without a capacity figure is a condition", () => {
    const unknown = site({ capacity: null, predictedNMax: null, fit: "unknown", renditions: [] });
    expect(rules({ ...passingFacts(), sites: [unknown] })).toEqual(["condition site-capacity-unknown"]);
  });

  it("any reject reason outweighs conditions, and rejects are listed first", () => {
    const facts = withCourse({ obsoleteTechnology: [{ kind: "java-applet", path: "sim/applet.jar" }] });
    const verdict = judge({ ...facts, load: null, thresholds: [] });
    expect(verdict.decision).toBe("REJECT");
    expect(verdict.reasons.map((r) => r.level)).toEqual(["reject", "condition"]);
    expect(verdict.headline).toMatch(/^Not ready for the production network: 1 blocking reason/);
  });

  it("afterChanges is null when some reject reason has no change that lifts it", () => {
    const over = site({ expectedLearners: 60, renditions: [], fit: "over-capacity" });
    const verdict = judge({ ...passingFacts(), sites: [over] });
    expect(verdict.changes.map((c) => c.change)).toEqual([
      "schedule site lyon in 7 waves of at most 9 learners",
    ]);
    expect(verdict.afterChanges).toBeNull();
  });
});

describe("site fit", () => {
  const resolved = (learners: number) => ({
    name: "branch",
    downlinkMbps: 10,
    uplinkMbps: 4,
    rttMs: 40,
    learners,
    trainingShare: 0.5,
  });
  const capacity = (measuredNMax: number | null) => ({
    site: "branch",
    downlinkMbps: 10,
    uplinkMbps: 4,
    rttMs: 40,
    trainingShare: 0.5,
    expectedLearners: 0,
    lmsPerLearnerKbps: 50,
    renditions: [{ rendition: "720p", peakKbps: 2800, perLearnerMbps: 3.13, predictedNMax: 10 }],
    predictedNMax: 10,
    measuredNMax,
    measuredThroughputMbps: null,
    whatIf: [],
  });

  it(`uses the measured capacity when there is one, and draws the REJECT line at ${FAR_OVER_CAPACITY_FACTOR}x`, () => {
    expect(buildSiteRows([resolved(10)], [capacity(null)])[0]?.fit).toBe("fits");
    expect(buildSiteRows([resolved(10)], [capacity(8)])[0]).toMatchObject({
      capacity: 8,
      fit: "fewer-learners",
    });
    expect(buildSiteRows([resolved(20)], [capacity(null)])[0]?.fit).toBe("fewer-learners");
    expect(buildSiteRows([resolved(21)], [capacity(null)])[0]?.fit).toBe("over-capacity");
    expect(buildSiteRows([resolved(21)], [])[0]?.fit).toBe("unknown");
  });

  it("names the highest lower rendition that lets everyone in", () => {
    const ladder = capacity(null);
    ladder.renditions.push(
      { rendition: "360p", peakKbps: 800, perLearnerMbps: 0.93, predictedNMax: 26 },
      { rendition: "480p", peakKbps: 1400, perLearnerMbps: 1.59, predictedNMax: 15 },
    );
    expect(buildSiteRows([resolved(14)], [ladder])[0]).toMatchObject({
      fit: "smaller-rendition",
      fittingRendition: "480p",
    });
    expect(buildSiteRows([resolved(25)], [ladder])[0]).toMatchObject({
      fit: "smaller-rendition",
      fittingRendition: "360p",
    });
  });
});
