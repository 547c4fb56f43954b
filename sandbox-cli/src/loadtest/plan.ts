import type { RunnerConfigInput } from "../../../loadtests/lib/config.ts";
import type { Stage } from "../../../loadtests/lib/schedule.ts";
import { trainingBudget } from "../capacity/link-share.ts";
import { usageError } from "../errors.ts";
import type { ResolvedSite, SandboxSpec } from "../sandbox-spec/index.ts";
import { formatDuration } from "../sandbox-spec/index.ts";
import { type ThresholdSpec, thresholdsFromPolicy } from "./thresholds.ts";

/** What the user asked for on the command line (each overrides the spec's load section). */
export interface PlanOverrides {
  readonly learners?: number;
  readonly rampS?: number;
  readonly durationS?: number;
  readonly runners?: number;
  readonly site?: string;
  /** viewers play only the rendition with this nominal bitrate, kbit/s, and never switch (capacity probes). */
  readonly pinnedRenditionKbps?: number;
}

/** Where the learners go, found by the caller (sandbox status or --target-url). */
export interface PlanTargets {
  readonly lms?: { readonly baseUrl: string; readonly courseId: string; readonly launchId?: string };
  readonly media?: { readonly baseUrl: string; readonly masters: readonly string[] };
}

export interface PlanInput {
  readonly runId: string;
  readonly spec: SandboxSpec;
  readonly sites: readonly ResolvedSite[];
  readonly overrides: PlanOverrides;
  readonly targets: PlanTargets;
  /** longest media of the course, seconds (learner sessions last about that long). */
  readonly mediaDurationS?: number;
  /** the learners' password (accounts load-learner-1..N are provisioned with it before the run). */
  readonly learnerPassword: string;
}

export interface LoadPlan {
  readonly runId: string;
  readonly learners: number;
  readonly viewers: number;
  readonly rampUpS: number;
  readonly durationS: number;
  readonly runners: number;
  readonly site?: ResolvedSite;
  /** per-viewer link the player picks its rendition for, kbit/s (a site's fair share). */
  readonly bandwidthKbps?: number;
  readonly scenarios: string[];
  readonly thresholds: ThresholdSpec[];
  /** the runner configuration every runner shares (each adds its segment and output paths). */
  readonly runner: Omit<RunnerConfigInput, "samplesPath" | "segment" | "summaryPath" | "scenarios"> & {
    scenarios: NonNullable<RunnerConfigInput["scenarios"]>;
  };
}

export const LEARNER_PREFIX = "load-learner-";
export const MAX_RUNNERS = 32;
const GRACEFUL_S = 10;
const DEFAULT_SESSION_S = 300;

/** Builds the load plan from the spec, the course and the overrides: pure, every refusal a usage error. */
export function buildLoadPlan(input: PlanInput): LoadPlan {
  const { spec, overrides } = input;
  const load = spec.load;
  const learners = overrides.learners ?? load.peakLearners;
  const rampUpS = overrides.rampS ?? load.rampUp;
  const durationS = overrides.durationS ?? load.duration;
  const runners = overrides.runners ?? load.runners;
  checkCaps({
    learners,
    rampUpS,
    durationS,
    runners,
    maxLearners: load.maxLearners,
    maxDuration: load.maxDuration,
  });
  const site = overrides.site === undefined ? undefined : findSite(input.sites, overrides.site);
  const { lms, media } = input.targets;
  if (!lms && !media) {
    throw usageError(
      "LOAD_NOTHING_TO_LOAD",
      "the sandbox has neither an LMS with the course nor published media to load",
      "install the course first: `sandbox course install <zip>`",
    );
  }
  const viewers = media && media.masters.length > 0 ? Math.round(learners * load.videoShare) : 0;
  const bandwidthKbps = site ? Math.floor((trainingBudget(site).downMbps * 1000) / learners) : undefined;
  const stages = (target: number): Stage[] => [
    { durationS: rampUpS, target },
    { durationS, target },
  ];
  const common = { gracefulRampDownS: GRACEFUL_S, gracefulStopS: GRACEFUL_S };
  const scenarios: LoadPlan["runner"]["scenarios"] = {};
  if (lms) {
    scenarios["learner-journey"] = {
      ...common,
      stages: stages(learners),
      lmsBaseUrl: lms.baseUrl,
      usernamePrefix: LEARNER_PREFIX,
      password: input.learnerPassword,
      courseId: lms.courseId,
      ...(lms.launchId ? { launchId: lms.launchId } : {}),
      commitIntervalS: load.commitInterval,
      thinkTimeS: { min: load.thinkTime.min, max: Math.max(load.thinkTime.min, load.thinkTime.max) },
      sessionS: Math.max(60, input.mediaDurationS ?? DEFAULT_SESSION_S),
    };
  }
  if (media && viewers > 0) {
    scenarios["hls-viewer"] = {
      ...common,
      stages: stages(viewers),
      mediaBaseUrl: media.baseUrl,
      masters: [...media.masters],
      // With an LMS journey, viewers are the same learners watching the course video.
      countsAsLearners: !lms,
      ...(bandwidthKbps !== undefined ? { bandwidthKbps } : {}),
      ...(overrides.pinnedRenditionKbps !== undefined
        ? { pinnedBandwidthBps: overrides.pinnedRenditionKbps * 1000 }
        : {}),
    };
  }
  return {
    runId: input.runId,
    learners,
    viewers,
    rampUpS,
    durationS,
    runners,
    ...(site ? { site } : {}),
    ...(bandwidthKbps !== undefined ? { bandwidthKbps } : {}),
    scenarios: Object.keys(scenarios),
    thresholds: thresholdsFromPolicy(spec.policy.thresholds, { video: viewers > 0 }),
    runner: {
      runId: input.runId,
      maxRunS: rampUpS + durationS + GRACEFUL_S + 30,
      scenarios,
    },
  };
}

function checkCaps(p: {
  learners: number;
  rampUpS: number;
  durationS: number;
  runners: number;
  maxLearners: number;
  maxDuration: number;
}): void {
  if (!Number.isInteger(p.learners) || p.learners < 1) {
    throw usageError(
      "LOAD_BAD_LEARNERS",
      `--learners ${p.learners} is not a positive whole number`,
      "pass e.g. --learners 20",
    );
  }
  if (p.learners > p.maxLearners) {
    throw usageError(
      "LOAD_OVER_CAP",
      `${p.learners} learners is above this sandbox's cap of ${p.maxLearners} (load.maxLearners)`,
      `pass --learners ${p.maxLearners} or less, or raise load.maxLearners in the spec if the target can take it`,
    );
  }
  if (p.rampUpS + p.durationS > p.maxDuration) {
    throw usageError(
      "LOAD_OVER_CAP",
      `ramp ${formatDuration(p.rampUpS)} + duration ${formatDuration(p.durationS)} is above this sandbox's cap of ${formatDuration(p.maxDuration)} (load.maxDuration)`,
      "shorten --ramp/--duration, or raise load.maxDuration in the spec",
    );
  }
  if (p.durationS <= 0)
    throw usageError("LOAD_BAD_DURATION", "the duration must be longer than 0 s", "pass e.g. --duration 2m");
  if (!Number.isInteger(p.runners) || p.runners < 1 || p.runners > MAX_RUNNERS) {
    throw usageError(
      "LOAD_BAD_RUNNERS",
      `--runners ${p.runners} is out of range`,
      `pass a whole number from 1 to ${MAX_RUNNERS}`,
    );
  }
  if (p.runners > p.learners) {
    throw usageError(
      "LOAD_BAD_RUNNERS",
      `${p.runners} runners for ${p.learners} learners would leave runners idle`,
      `pass --runners ${p.learners} or less`,
    );
  }
}

function findSite(sites: readonly ResolvedSite[], name: string): ResolvedSite {
  const site = sites.find((s) => s.name === name);
  if (!site) {
    const known = sites.map((s) => s.name).join(", ") || "none (add a sites: section to the spec)";
    throw usageError(
      "LOAD_UNKNOWN_SITE",
      `no site "${name}" in the spec`,
      `pass --site with one of: ${known}`,
    );
  }
  return site;
}
