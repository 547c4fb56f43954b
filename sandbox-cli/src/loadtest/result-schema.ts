import { z } from "zod";

/**
 * The contract between the load engine, the capacity model and the report: one load run, merged
 * exactly over every runner. Producers may add fields; never rename or drop one without bumping
 * schemaVersion.
 */
export const trendSummarySchema = z.object({
  count: z.number().int().nonnegative(),
  min: z.number(),
  max: z.number(),
  avg: z.number(),
  med: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
});

export const metricSummarySchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("trend"),
    unit: z.enum(["ms", "s", "bytes", "ratio", "count"]),
    values: trendSummarySchema,
  }),
  z.object({ type: z.literal("counter"), values: z.object({ count: z.number(), rate: z.number() }) }),
  z.object({
    type: z.literal("rate"),
    values: z.object({ passes: z.number(), fails: z.number(), rate: z.number() }),
  }),
  z.object({
    type: z.literal("gauge"),
    values: z.object({ value: z.number(), min: z.number(), max: z.number() }),
  }),
]);

export const thresholdResultSchema = z.object({
  metric: z.string(),
  /** e.g. "p(95)<800", "rate<0.01". */
  expression: z.string(),
  observed: z.number().nullable(),
  ok: z.boolean(),
});

export const timelinePointSchema = z.object({
  /** seconds since the run started (bucket start). */
  t: z.number(),
  activeLearners: z.number(),
  requests: z.number(),
  errors: z.number(),
  p95Ms: z.number().nullable(),
  /** bytes received by the learners in this bucket. */
  bytesIn: z.number(),
});

export const resourceSampleSchema = z.object({
  t: z.number(),
  /** CPU used, in cores, averaged since the previous sample. */
  cpuCores: z.number(),
  memoryBytes: z.number(),
  rxBytes: z.number(),
  txBytes: z.number(),
});

export const containerResourcesSchema = z.object({
  container: z.string(),
  candidate: z.string().optional(),
  role: z.string().optional(),
  cpuLimitCores: z.number().nullable(),
  memoryLimitBytes: z.number().nullable(),
  samples: z.array(resourceSampleSchema),
});

export const integritySchema = z.object({
  commitsSent: z.number().int(),
  commitsStored: z.number().int(),
  statementsSent: z.number().int(),
  statementsStored: z.number().int(),
  ok: z.boolean(),
});

/** A stretch in which a scenario's requests kept failing until they succeeded again (loadtest/outages.ts). */
export const outageWindowSchema = z.object({
  /** whose requests failed: learner-journey (the LMS) or hls-viewer (the media server). */
  scenario: z.string(),
  /** seconds since the run started: when the first failed request was sent. */
  startS: z.number(),
  /** when the first request that succeeded again was sent; null: still failing when the run ended. */
  recoveredS: z.number().nullable(),
  /** recoveredS - startS: how long the learners could not work. */
  timeToRecoverS: z.number().nullable(),
  lastFailureS: z.number(),
  failedRequests: z.number().int(),
  /** learner iterations that ended with an error inside the window. */
  failedIterations: z.number().int(),
});

export const loadRunResultSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  sandbox: z.string(),
  plan: z.object({
    learners: z.number().int(),
    rampUpS: z.number(),
    durationS: z.number(),
    runners: z.number().int(),
    site: z.string().optional(),
    scenarios: z.array(z.string()),
  }),
  /** merged metrics, keyed by metric name (http_req_duration, hls_rebuffer_ratio, ...). */
  metrics: z.record(z.string(), metricSummarySchema),
  thresholds: z.array(thresholdResultSchema),
  passed: z.boolean(),
  timeline: z.array(timelinePointSchema),
  /** outage windows seen by the learners (absent in results written before they were measured). */
  outages: z.array(outageWindowSchema).optional(),
  resources: z.array(containerResourcesSchema),
  integrity: integritySchema.nullable(),
  engine: z.object({ name: z.string(), version: z.string() }),
});

export type LoadRunResult = z.infer<typeof loadRunResultSchema>;
export type MetricSummary = z.infer<typeof metricSummarySchema>;
export type ThresholdResult = z.infer<typeof thresholdResultSchema>;
export type OutageWindow = z.infer<typeof outageWindowSchema>;
export type ContainerResources = z.infer<typeof containerResourcesSchema>;
