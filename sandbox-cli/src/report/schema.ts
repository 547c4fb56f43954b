import { z } from "zod";
import { outageWindowSchema } from "../loadtest/result-schema.ts";
import { policyResultSchema, provenanceSchema } from "./input.ts";
import { capacityBounds, siteBystanderSchema } from "./site-bystander.ts";

/**
 * report.json, the one source every rendering (html, md, junit) and `report diff` reads.
 * Add optional fields freely; renaming, removing or changing the meaning of one bumps REPORT_SCHEMA_VERSION.
 */
export const REPORT_SCHEMA_VERSION = 1;
export const REPORT_KIND = "elearning-sandbox/promotion-report";

export const decisions = ["PROMOTE", "PROMOTE WITH CONDITIONS", "REJECT"] as const;
export const decisionSchema = z.enum(decisions);
export type Decision = z.infer<typeof decisionSchema>;

/** One reason for the verdict, said twice: for Training (learners, sites, course) and for IT (units). */
export const reasonSchema = z.object({
  rule: z.string(),
  level: z.enum(["reject", "condition"]),
  /** what the reason is about: a site name, a threshold metric, a policy rule, a course path. */
  subject: z.string(),
  training: z.string(),
  it: z.string(),
});
export type Reason = z.infer<typeof reasonSchema>;

/** A change that would lift one or more reasons ("upgrade site X to 50 Mbit/s"). */
export const changeSchema = z.object({
  change: z.string(),
  /** rules+subjects of the reasons it lifts, "rule:subject". */
  lifts: z.array(z.string()),
  effect: z.string(),
});
export type VerdictChange = z.infer<typeof changeSchema>;

export const checkSchema = z.object({
  /** stable name, e.g. "http_req_duration p(95)<800". */
  name: z.string(),
  metric: z.string(),
  expression: z.string(),
  observed: z.number().nullable(),
  ok: z.boolean(),
  training: z.string(),
  it: z.string(),
});
export type ThresholdCheck = z.infer<typeof checkSchema>;

export const siteFits = ["fits", "smaller-rendition", "fewer-learners", "over-capacity", "unknown"] as const;

export const siteRowSchema = z.object({
  site: z.string(),
  profile: z.string().nullable(),
  downlinkMbps: z.number(),
  uplinkMbps: z.number(),
  rttMs: z.number(),
  trainingShare: z.number(),
  expectedLearners: z.number().int(),
  predictedNMax: z.number().int().nullable(),
  /** the rendition predictedNMax is for (the top one). */
  predictedRendition: z.string().nullable().optional(),
  measuredNMax: z.number().int().nullable(),
  /** the rendition every viewer played while measuring (pinned, so the figures compare). */
  measuredRendition: z.string().nullable().optional(),
  /** the model's N_max for measuredRendition, to set beside measuredNMax. */
  predictedAtMeasuredRendition: z.number().int().nullable().optional(),
  /** learners at once the verdict counts on (see buildSiteRows): measured where measured, else predicted. */
  capacity: z.number().int().nullable(),
  /** the rendition capacity is for (the top one when it fits, else the one the fit was judged on). */
  capacityRendition: z.string().nullable().optional(),
  measuredThroughputMbps: z.number().nullable(),
  /** what set capacity: playback through the link, or harm to the other applications on it (bystander). */
  capacityBound: z.enum(capacityBounds).optional(),
  /** the business application that shared the measured link (null when no probe ran). */
  bystander: siteBystanderSchema.nullable().optional(),
  fit: z.enum(siteFits),
  /** the highest rendition that lets every expected learner in, when the top one does not. */
  fittingRendition: z.string().nullable(),
  renditions: z.array(
    z.object({
      rendition: z.string(),
      peakKbps: z.number(),
      perLearnerMbps: z.number(),
      predictedNMax: z.number().int(),
    }),
  ),
  whatIf: z.array(z.object({ change: z.string(), predictedNMax: z.number().int() })),
});
export type SiteRow = z.infer<typeof siteRowSchema>;

export const courseSectionSchema = z.object({
  title: z.string().nullable(),
  format: z.string(),
  edition: z.string().nullable(),
  valid: z.boolean(),
  sha256: z.string(),
  launches: z.array(z.object({ id: z.string(), title: z.string(), url: z.string() })),
  files: z.object({ count: z.number(), compressedBytes: z.number(), uncompressedBytes: z.number() }),
  media: z.array(
    z.object({
      path: z.string(),
      kind: z.string(),
      durationS: z.number(),
      bitrateKbps: z.number(),
      width: z.number().nullable(),
      height: z.number().nullable(),
    }),
  ),
  ladder: z.array(
    z.object({
      playlist: z.string(),
      bandwidthKbps: z.number(),
      width: z.number().nullable(),
      height: z.number().nullable(),
    }),
  ),
  externalHosts: z.array(z.object({ host: z.string(), plainHttp: z.boolean(), references: z.number() })),
  obsoleteTechnology: z.array(z.object({ kind: z.string(), path: z.string() })),
  estimatedPeakMbps: z.number(),
  findings: z.array(
    z.object({
      code: z.string(),
      severity: z.enum(["error", "warning", "info"]),
      message: z.string(),
      path: z.string().nullable(),
    }),
  ),
});
export type CourseSection = z.infer<typeof courseSectionSchema>;

export const resourceSeriesSchema = z.object({
  container: z.string(),
  candidate: z.string().nullable(),
  role: z.string().nullable(),
  cpuLimitCores: z.number().nullable(),
  memoryLimitBytes: z.number().nullable(),
  peakCpuCores: z.number(),
  peakMemoryBytes: z.number(),
  samples: z.array(z.object({ t: z.number(), cpuCores: z.number(), memoryBytes: z.number() })),
});
export type ResourceSeries = z.infer<typeof resourceSeriesSchema>;

export const loadSectionSchema = z.object({
  runId: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  plan: z.object({
    learners: z.number(),
    rampUpS: z.number(),
    durationS: z.number(),
    runners: z.number(),
    site: z.string().nullable(),
    scenarios: z.array(z.string()),
  }),
  passed: z.boolean(),
  summary: z.object({
    requests: z.number().nullable(),
    httpP95Ms: z.number().nullable(),
    httpErrorRate: z.number().nullable(),
    rebufferRatio: z.number().nullable(),
    timeToFirstFrameP95S: z.number().nullable(),
    peakActiveLearners: z.number(),
    peakThroughputMbps: z.number().nullable(),
  }),
  timeline: z.array(
    z.object({
      t: z.number(),
      activeLearners: z.number(),
      requests: z.number(),
      errors: z.number(),
      p95Ms: z.number().nullable(),
      throughputMbps: z.number(),
    }),
  ),
  integrity: z
    .object({
      commitsSent: z.number(),
      commitsStored: z.number(),
      statementsSent: z.number(),
      statementsStored: z.number(),
      ok: z.boolean(),
    })
    .nullable(),
  /** stretches in which learners' requests kept failing (absent when the load result predates them). */
  outages: z.array(outageWindowSchema).optional(),
  resources: z.array(resourceSeriesSchema),
});
export type LoadSection = z.infer<typeof loadSectionSchema>;

/** One candidate of a bake-off: the same load plan run against it alone (null: the scenario did not measure it). */
export const bakeoffCandidateSchema = z.object({
  candidate: z.string(),
  p95SegmentFetchMs: z.number().nullable(),
  timeToFirstFrameMs: z.number().nullable(),
  rebufferRatio: z.number().nullable(),
  errorRate: z.number().nullable(),
  cpuCoresPer100: z.number().nullable(),
  memoryMbPer100: z.number().nullable(),
  maxLearnersWithinThresholds: z.number().int(),
});
export type BakeoffCandidate = z.infer<typeof bakeoffCandidateSchema>;

export const bakeoffSchema = z.array(
  z.object({ kind: z.enum(["lms", "media"]), candidates: z.array(bakeoffCandidateSchema) }),
);
export type Bakeoff = z.infer<typeof bakeoffSchema>;

export const reportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  kind: z.literal(REPORT_KIND),
  generatedAt: z.string(),
  sandbox: z.object({
    name: z.string(),
    owner: z.string(),
    target: z.string(),
    candidates: z.array(z.string()),
  }),
  verdict: z.object({
    decision: decisionSchema,
    /** the exit code `sandbox nightly` uses for this decision. */
    exitCode: z.number().int(),
    headline: z.string(),
    reasons: z.array(reasonSchema),
    changes: z.array(changeSchema),
    /** the verdict if every change listed were made (null when the changes do not lift every reason). */
    afterChanges: decisionSchema.nullable(),
    /** the LMS and media candidate the verdict is for (the ones the load test and capacity measured). */
    candidates: z.object({ lms: z.string().nullable(), media: z.string().nullable() }).optional(),
  }),
  thresholds: z.array(checkSchema),
  sites: z.array(siteRowSchema),
  course: courseSectionSchema.nullable(),
  policy: z.array(policyResultSchema),
  load: loadSectionSchema.nullable(),
  /** one table per candidate kind that has two or more candidates in the sandbox. */
  bakeoff: bakeoffSchema.optional(),
  provenance: provenanceSchema,
});
export type Report = z.infer<typeof reportSchema>;
