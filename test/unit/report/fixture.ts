import { join } from "node:path";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import type { ReportInput } from "../../../sandbox-cli/src/report/input.ts";
import { readRunDir } from "../../../sandbox-cli/src/report/read.ts";
import type { SiteRow, ThresholdCheck } from "../../../sandbox-cli/src/report/schema.ts";
import type { VerdictFacts } from "../../../sandbox-cli/src/report/verdict.ts";

export const FIXTURE_TIME = "2026-11-29T18:00:00.000Z";
export const fixtureRunDir = join(projectRoot, "test", "fixtures", "report", "run-conditions");
export const junitXsdPath = join(projectRoot, "test", "fixtures", "report", "junit-10.xsd");

/** The fixture run (PROMOTE WITH CONDITIONS) as a ReportInput; each call gets a fresh copy to mutate. */
export async function fixtureInput(): Promise<ReportInput> {
  return structuredClone(await readRunDir(fixtureRunDir, FIXTURE_TIME));
}

export const passingCheck = (over: Partial<ThresholdCheck> = {}): ThresholdCheck => ({
  name: "http_req_duration p(95)<800",
  metric: "http_req_duration",
  expression: "p(95)<800",
  observed: 400,
  ok: true,
  training: "within the limit learners need",
  it: "http_req_duration = 400 ms, limit p(95)<800",
  ...over,
});

export const site = (over: Partial<SiteRow> = {}): SiteRow => ({
  site: "lyon",
  profile: "regional-office",
  downlinkMbps: 100,
  uplinkMbps: 40,
  rttMs: 25,
  trainingShare: 0.3,
  expectedLearners: 5,
  predictedNMax: 9,
  measuredNMax: null,
  capacity: 9,
  measuredThroughputMbps: null,
  fit: "fits",
  fittingRendition: null,
  renditions: [
    { rendition: "720p", peakKbps: 2800, perLearnerMbps: 3.13, predictedNMax: 9 },
    { rendition: "360p", peakKbps: 800, perLearnerMbps: 0.93, predictedNMax: 32 },
  ],
  whatIf: [],
  ...over,
});

/** Facts under which every rule passes: the verdict is PROMOTE. */
export const passingFacts = (): VerdictFacts => ({
  thresholds: [passingCheck()],
  load: {
    passed: true,
    integrity: { commitsSent: 10, commitsStored: 10, statementsSent: 4, statementsStored: 4, ok: true },
  },
  course: {
    title: "Course",
    format: "scorm12",
    edition: null,
    valid: true,
    sha256: "a".repeat(64),
    launches: [],
    files: { count: 1, compressedBytes: 1, uncompressedBytes: 1 },
    media: [],
    ladder: [],
    externalHosts: [],
    obsoleteTechnology: [],
    estimatedPeakMbps: 0,
    findings: [],
  },
  policy: [
    { rule: "sandbox-namespace-guardrails", enforcement: "mandatory", ok: true, message: "no violation" },
  ],
  sites: [site()],
  rejectExternalHttp: false,
});
