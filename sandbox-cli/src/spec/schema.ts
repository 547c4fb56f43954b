import { z } from "zod";
import { durationSeconds } from "./duration.ts";

const dnsLabel = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,38}[a-z0-9]$/, "must be 2-40 characters of a-z, 0-9 and '-', starting with a letter");

export const targetSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("docker") }),
  z.strictObject({
    kind: z.literal("kubernetes"),
    /** kubeconfig context; the current context when left out. */
    context: z.string().min(1).optional(),
    /** namespace to create; defaults to `sandbox-<name>`. */
    namespace: dnsLabel.optional(),
    /** ingress host suffix for candidates, e.g. "sandbox.example.internal". */
    ingressDomain: z.string().min(1).optional(),
  }),
]);

export const candidateSchema = z.strictObject({
  /** instance name inside the sandbox, unique; defaults to the catalog id. */
  name: dnsLabel.optional(),
  /** id of an entry in stacks/catalog (see `sandbox catalog` / README). */
  catalog: z.string().min(1),
  /** environment overrides passed to the candidate. */
  env: z.record(z.string(), z.string()).optional(),
});

export const courseSchema = z.strictObject({
  /** path of a course zip or folder, relative to the spec file. */
  path: z.string().min(1),
  /** candidate names to install into; every LMS candidate when left out. */
  candidates: z.array(dnsLabel).min(1).optional(),
});

export const siteSchema = z.strictObject({
  name: dnsLabel,
  /** a built-in site profile to start from (hq-lan, regional-office, small-branch, vpn-home). */
  profile: z.string().min(1).optional(),
  downlinkMbps: z.number().positive().max(100_000).optional(),
  uplinkMbps: z.number().positive().max(100_000).optional(),
  rttMs: z.number().min(0).max(2000).optional(),
  /** learners at this site expected to take the course at the same time. */
  learners: z.number().int().min(1).max(100_000),
  /** share of the site's link that training traffic may use (0-1]. */
  trainingShare: z.number().gt(0).max(1).optional(),
});

export const loadSchema = z.strictObject({
  peakLearners: z.number().int().min(1).max(10_000).default(20),
  rampUp: durationSeconds(0, 3600).default(30),
  duration: durationSeconds(5, 4 * 3600).default(120),
  /** pause between a learner's page views and runtime commits. */
  thinkTime: z
    .strictObject({ min: durationSeconds(0, 600).default(3), max: durationSeconds(0, 3600).default(15) })
    .default({ min: 3, max: 15 }),
  /** how often a learner's content commits its runtime data. */
  commitInterval: durationSeconds(1, 3600).default(30),
  /** share of learners watching the course video (0-1). */
  videoShare: z.number().min(0).max(1).default(1),
  /** hard caps: a load test is refused above them. */
  maxLearners: z.number().int().min(1).max(10_000).default(500),
  maxDuration: durationSeconds(5, 24 * 3600).default(1800),
});

export const thresholdsSchema = z.strictObject({
  httpP95Ms: z.number().positive().default(800),
  httpErrorRate: z.number().min(0).max(1).default(0.01),
  rebufferRatio: z.number().min(0).max(1).default(0.02),
  timeToFirstFrameP95S: z.number().positive().default(4),
  /** peak CPU of any candidate container, as a share of its CPU limit. */
  serverCpuShare: z.number().gt(0).max(1).default(0.8),
  /** peak memory of any candidate container, as a share of its memory limit. */
  serverMemoryShare: z.number().gt(0).max(1).default(0.85),
});

export const policySchema = z.strictObject({
  thresholds: thresholdsSchema.default(thresholdsSchema.parse({})),
  /** protocol overhead added to media bitrates in the capacity model (0.1 = 10%). */
  mediaOverhead: z.number().min(0).max(1).default(0.1),
  /** plain-http external hosts in a course make the verdict REJECT instead of a condition. */
  rejectExternalHttp: z.boolean().default(false),
});

export const sandboxSpecSchema = z.strictObject({
  apiVersion: z.literal("elearning-sandbox/v1").default("elearning-sandbox/v1"),
  name: dnsLabel,
  owner: z.string().min(1).max(120),
  /** how long the sandbox may live before `sandbox gc` removes it. */
  ttl: durationSeconds(600, 14 * 86_400).default(8 * 3600),
  target: targetSchema.default({ kind: "docker" }),
  candidates: z.array(candidateSchema).min(1),
  courses: z.array(courseSchema).default([]),
  sites: z.array(siteSchema).default([]),
  load: loadSchema.default(loadSchema.parse({})),
  policy: policySchema.default(policySchema.parse({})),
});

/** The spec as written in sandbox.yaml (durations as text, defaults not applied). */
export type SandboxSpecInput = z.input<typeof sandboxSpecSchema>;
/** The spec after validation: defaults applied, durations in seconds. */
export type SandboxSpec = z.output<typeof sandboxSpecSchema>;
export type SiteSpec = z.output<typeof siteSchema>;
export type CandidateSpec = z.output<typeof candidateSchema>;
export type LoadSpec = z.output<typeof loadSchema>;
export type Thresholds = z.output<typeof thresholdsSchema>;
