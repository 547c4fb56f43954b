import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ScriptScenario } from "../script/options.ts";
import { parseSegment } from "./schedule.ts";

/** What one runner process is told to do: the whole plan plus its own execution segment. */
const stageSchema = z.strictObject({ durationS: z.number().min(0), target: z.number().int().min(0) });
const planSchema = {
  stages: z.array(stageSchema).min(1),
  gracefulRampDownS: z.number().min(0).default(10),
  gracefulStopS: z.number().min(0).default(10),
  /** false when these VUs are the same people as another scenario's (left out of learners_active). */
  countsAsLearners: z.boolean().default(true),
};

export const hlsViewerConfigSchema = z.strictObject({
  ...planSchema,
  mediaBaseUrl: z.url(),
  masters: z.array(z.string().min(1)).min(1),
  bandwidthKbps: z.number().positive().optional(),
  /** play only the variant whose BANDWIDTH is nearest this and never switch (capacity probes). */
  pinnedBandwidthBps: z.number().positive().optional(),
  startupBufferS: z.number().positive().optional(),
  maxBufferS: z.number().positive().optional(),
  watchS: z.number().positive().optional(),
  /** false: segments back to back, no play-out (cost benchmarks only). */
  paced: z.boolean().optional(),
});

export const learnerJourneyConfigSchema = z.strictObject({
  ...planSchema,
  lmsBaseUrl: z.url(),
  usernamePrefix: z.string().min(1),
  password: z.string().min(1),
  courseId: z.string().min(1),
  launchId: z.string().min(1).optional(),
  commitIntervalS: z.number().positive(),
  thinkTimeS: z.strictObject({ min: z.number().min(0), max: z.number().min(0) }),
  sessionS: z.number().positive(),
});

export const runnerConfigSchema = z.strictObject({
  runId: z
    .string()
    .regex(
      /^[A-Za-z0-9._:-]{1,128}$/,
      "letters, digits and . _ : - only (it travels in the X-Load-Run header)",
    ),
  segment: z.string().default("1/1"),
  /** epoch ms at which every runner starts. */
  startAtMs: z.number().int().positive().optional(),
  /** where this runner writes its raw samples (NDJSON). */
  samplesPath: z.string().min(1),
  /** where it writes its own summary (JSON); stdout when left out. */
  summaryPath: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).default({}),
  /** hosts ("host:port") VUs may reach besides the scenarios' base URLs: the network interlock's list. */
  allowHosts: z.array(z.string().min(1)).default([]),
  httpTimeoutS: z.number().positive().max(600).default(30),
  /** a hard wall: the runner aborts everything after this many seconds, whatever the plan says. */
  maxRunS: z
    .number()
    .positive()
    .max(24 * 3600),
  scenarios: z
    .strictObject({
      "hls-viewer": hlsViewerConfigSchema.optional(),
      "learner-journey": learnerJourneyConfigSchema.optional(),
    })
    .default({}),
  /** a user's k6-style script, compiled by the CLI (loadtests/script), instead of the built-in scenarios. */
  script: z
    .strictObject({
      body: z.string().min(1),
      env: z.record(z.string(), z.string()).default({}),
      scenarios: z.array(z.custom<ScriptScenario>((v) => typeof v === "object" && v !== null)).min(1),
      maxRedirects: z.number().int().min(0).default(10),
      tags: z.record(z.string(), z.string()).default({}),
      hasSetup: z.boolean().default(false),
      hasTeardown: z.boolean().default(false),
      setupTimeoutS: z.number().positive().default(60),
      /** a threshold has abortOnFail: the runner polls the run's stop file (script/stop-file.ts). */
      abortable: z.boolean().default(false),
    })
    .optional(),
});
export type RunnerConfig = z.output<typeof runnerConfigSchema>;
export type RunnerConfigInput = z.input<typeof runnerConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * The runner's typed environment: LOAD_CONFIG (JSON text) or LOAD_CONFIG_FILE (a path), then per-runner
 * overrides LOAD_SEGMENT ("i/N"), LOAD_SAMPLES, LOAD_SUMMARY, LOAD_START_AT_MS. Containers share one
 * config and differ only by LOAD_SEGMENT.
 */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): RunnerConfig {
  const text = env.LOAD_CONFIG ?? (env.LOAD_CONFIG_FILE ? readText(env.LOAD_CONFIG_FILE) : undefined);
  if (text === undefined)
    throw new ConfigError("no configuration: set LOAD_CONFIG (JSON) or LOAD_CONFIG_FILE (a path)");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`the load configuration is not valid JSON: ${(error as Error).message}`);
  }
  const overrides: Record<string, unknown> = {};
  if (env.LOAD_SEGMENT) overrides.segment = env.LOAD_SEGMENT;
  if (env.LOAD_SAMPLES) overrides.samplesPath = env.LOAD_SAMPLES;
  if (env.LOAD_SUMMARY) overrides.summaryPath = env.LOAD_SUMMARY;
  if (env.LOAD_START_AT_MS) overrides.startAtMs = Number(env.LOAD_START_AT_MS);
  return parseRunnerConfig({ ...(raw as object), ...overrides });
}

export function parseRunnerConfig(raw: unknown): RunnerConfig {
  const parsed = runnerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "config"}: ${issue.message}`,
    );
    throw new ConfigError(`bad load configuration: ${problems.join("; ")}`);
  }
  try {
    parseSegment(parsed.data.segment);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (
    !parsed.data.script &&
    !parsed.data.scenarios["hls-viewer"] &&
    !parsed.data.scenarios["learner-journey"]
  ) {
    throw new ConfigError(
      "bad load configuration: scenarios names none; give hls-viewer and/or learner-journey",
    );
  }
  return parsed.data;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read LOAD_CONFIG_FILE ${path}: ${(error as Error).message}`);
  }
}
