import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type LmsAdmin, lmsAdapter, mediaAdapter } from "../candidates/index.ts";
import { usageError } from "../errors.ts";
import { stateDir } from "../paths.ts";
import { docker } from "../runtime/docker.ts";
import {
  type CandidateTarget,
  candidatesOfKind,
  type SandboxView,
  withSandboxView,
} from "../sandbox/view.ts";
import type { SandboxSpec } from "../sandbox-spec/index.ts";
import { resolveSites } from "../sandbox-spec/resolve-sites.ts";
import { requireFreeSpace, STATE_ROOM_BYTES, writeFileAtomic } from "../util/disk-space.ts";
import { createLogger, type Logger } from "../util/log.ts";
import { runWatched } from "./engine-watch.ts";
import { runJobRunners } from "./job-runners.ts";
import { jobRunnerTarget } from "./job-target.ts";
import { mergeSampleFiles } from "./merge.ts";
import { buildLoadPlan, LEARNER_PREFIX, type PlanTargets } from "./plan.ts";
import { noResources } from "./resource-sampling.ts";
import { buildLoadRunResult, integrityOf } from "./result.ts";
import type { LoadRunResult } from "./result-schema.ts";
import { runContainerRunners, runLocalRunners } from "./runners.ts";
import { checkTargets, type OwnedEndpoints } from "./safety.ts";
import { evaluateResourceThresholds, evaluateThresholds, thresholdSelectors } from "./thresholds.ts";

export interface RunLoadOptions {
  readonly spec: SandboxSpec;
  readonly learners?: number;
  readonly rampS?: number;
  readonly durationS?: number;
  readonly runners?: number;
  /** a site of the spec: viewers pick renditions for its per-learner share of the link. */
  readonly site?: string;
  /** run the runners as containers on this docker network (the sandbox's, or a site's behind its gateway). */
  readonly network?: string;
  /**
   * "local": runner processes on this host against 127.0.0.1 (default without a network); "containers"
   * (docker); "jobs": runner Jobs in the sandbox's namespace (the kubernetes target, its only mode).
   */
  readonly mode?: LoadMode;
  /** the URLs the learners use instead of the sandbox's own (a site gateway's routes); must still be the sandbox's. */
  readonly targetUrls?: { readonly lms?: string; readonly media?: string };
  /** an explicit target outside the sandbox (--target-url with --i-own-this-target). */
  readonly explicitTarget?: { readonly url: string; readonly iOwnThisTarget: boolean };
  readonly courseId?: string;
  /** hosts ("host:port") the learners may reach besides the sandbox's own (--allow-host). */
  readonly allowHosts?: readonly string[];
  /** which LMS and media candidate the learners use (a bake-off runs each in turn); default the first of each. */
  readonly candidates?: { readonly lms?: string; readonly media?: string };
  /** viewers play only the rendition with this nominal bitrate, kbit/s (capacity probes). */
  readonly pinnedRenditionKbps?: number;
  /** only these scenarios (default both): a capacity probe at a site may want only "hls-viewer". */
  readonly scenarios?: readonly ("learner-journey" | "hls-viewer")[];
  /** longest media of the course, seconds (learner sessions last that long). */
  readonly mediaDurationS?: number;
  /**
   * the sandbox as the caller read it (read with the via this run's mode needs: loopback for local
   * runners, network for runner containers); read here when left out. A bake-off reads it once.
   */
  readonly view?: SandboxView;
  readonly log?: Logger;
}

export type LoadMode = "local" | "containers" | "jobs";

/** The mode a run takes: the flag's, else jobs on kubernetes, containers with a network, else local. */
export function loadModeFor(
  target: "docker" | "kubernetes" | undefined,
  wanted: LoadMode | undefined,
  network: string | undefined,
): LoadMode {
  if (target === "kubernetes") {
    if (wanted && wanted !== "jobs")
      throw usageError(
        "LOAD_MODE_UNSUPPORTED",
        `--mode ${wanted} runs learners through Docker, and this sandbox runs on kubernetes`,
        "leave --mode out (or pass --mode jobs): the learners run as Jobs in the sandbox's namespace",
      );
    return "jobs";
  }
  if (wanted === "jobs")
    throw usageError(
      "LOAD_MODE_UNSUPPORTED",
      "--mode jobs needs a sandbox on the kubernetes target",
      "use --mode local or --mode containers on the docker target",
    );
  return wanted ?? (network ? "containers" : "local");
}

const newRunId = () =>
  `lt-${new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;

/**
 * One load run against the sandbox: plan, safety interlock, learner accounts, R runners (processes or
 * containers, split by execution segments), resource sampling, exact merge, thresholds and integrity.
 * Writes everything under <state>/runs/<sandbox>/<runId>/ and returns the LoadRunResult.
 */
export async function runLoad(options: RunLoadOptions): Promise<LoadRunResult & { outDir: string }> {
  if (options.explicitTarget) return runLoadOn(options, undefined);
  if (options.view) return runLoadOn(options, options.view);
  // read here, closed here: the view's loopback URLs (kubernetes: port-forwards) live as long as the run
  const via = modeOf(options) === "local" ? "loopback" : "network";
  return withSandboxView(options.spec.name, via, (view) => runLoadOn(options, view));
}

const modeOf = (options: RunLoadOptions) =>
  loadModeFor(options.explicitTarget ? undefined : options.spec.target.kind, options.mode, options.network);

async function runLoadOn(
  options: RunLoadOptions,
  sandbox: SandboxView | undefined,
): Promise<LoadRunResult & { outDir: string }> {
  const log = options.log ?? createLogger();
  const { spec } = options;
  const runId = newRunId();
  const mode = modeOf(options);
  const outDir = join(stateDir(), "runs", spec.name, runId);
  const chosen = await step(log, "find the targets", () => chooseTargets(options, sandbox));
  const wants = (scenario: "learner-journey" | "hls-viewer") =>
    !options.scenarios || options.scenarios.includes(scenario);
  const { owned, admin } = chosen;

  const targets = {
    ...(wants("learner-journey") && chosen.targets.lms ? { lms: chosen.targets.lms } : {}),
    ...(wants("hls-viewer") && chosen.targets.media ? { media: chosen.targets.media } : {}),
    ...(chosen.targets.masters ? { masters: chosen.targets.masters } : {}),
  };
  checkTargets(
    [targets.lms, targets.media].filter((t): t is string => Boolean(t)),
    owned,
    options.explicitTarget
      ? { targetUrl: options.explicitTarget.url, iOwnThisTarget: options.explicitTarget.iOwnThisTarget }
      : {},
  );
  if (options.network && sandbox) await checkNetworkOwned(options.network, spec.name);
  const learnerPassword = randomBytes(12).toString("base64url");
  const lms = targets.lms && admin ? await admin.open() : undefined;
  const courseId = lms ? await pickCourse(lms, options.courseId) : undefined;
  const masters = targets.media ? (targets.masters ?? (await chosen.masters?.()) ?? []) : [];
  const planTargets: PlanTargets = {
    ...(targets.lms && courseId ? { lms: { baseUrl: targets.lms, courseId } } : {}),
    ...(targets.media && masters.length ? { media: { baseUrl: targets.media, masters } } : {}),
  };
  const sitesResolved = resolveSites(spec.sites).sites;
  const plan = buildLoadPlan({
    runId,
    spec,
    sites: sitesResolved,
    overrides: {
      ...(options.learners !== undefined ? { learners: options.learners } : {}),
      ...(options.rampS !== undefined ? { rampS: options.rampS } : {}),
      ...(options.durationS !== undefined ? { durationS: options.durationS } : {}),
      ...(options.runners !== undefined ? { runners: options.runners } : {}),
      ...(options.site !== undefined ? { site: options.site } : {}),
      ...(options.pinnedRenditionKbps !== undefined
        ? { pinnedRenditionKbps: options.pinnedRenditionKbps }
        : {}),
    },
    targets: planTargets,
    ...(options.mediaDurationS !== undefined ? { mediaDurationS: options.mediaDurationS } : {}),
    learnerPassword,
  });
  if (lms && plan.scenarios.includes("learner-journey")) {
    await step(log, `provision ${plan.learners} learner accounts`, () =>
      lms.provisionLearners(LEARNER_PREFIX, plan.learners, learnerPassword),
    );
  }
  await requireFreeSpace(join(stateDir(), "runs"), STATE_ROOM_BYTES + samplesRoom(plan));
  await mkdir(outDir, { recursive: true });
  const set = {
    config: { ...plan.runner, allowHosts: [...(options.allowHosts ?? [])] } as Record<string, unknown>,
    runners: plan.runners,
    outDir,
    startDelayMs: 1500 + 250 * plan.runners,
    maxRunS: plan.runner.maxRunS,
  };
  const title = `${plan.learners} learners (${plan.viewers} watching video), ramp ${plan.rampUpS}s, hold ${plan.durationS}s, ${plan.runners} runner(s), ${mode}`;
  const { outputs, resources } = await runWatched(
    () =>
      step(log, title, async () =>
        mode === "local"
          ? runLocalRunners(set, log)
          : mode === "jobs" && sandbox
            ? runJobRunners(set, await jobRunnerTarget(spec, sandbox, runId), log)
            : runContainerRunners(
                set,
                {
                  network: options.network ?? sandbox?.network ?? "",
                  namePrefix: `sandbox-${spec.name}-load-${runId}`,
                  labels: sandbox
                    ? {
                        "sandbox.name": spec.name,
                        "sandbox.owner": sandbox.owner,
                        "sandbox.expires-at": sandbox.expiresAt,
                      }
                    : { "sandbox.name": spec.name },
                },
                log,
              ),
      ),
    {
      resources: sandbox?.resources ?? noResources,
      watchDocker: sandbox?.status.target === "docker",
      outDir,
      log,
    },
  );
  const startedAt = new Date(outputs.startAtMs);
  const endedAt = new Date();
  const merged = await step(log, `merge raw samples of ${plan.runners} runner(s)`, () =>
    mergeSampleFiles(outputs.samplePaths, {
      selectors: thresholdSelectors(plan.thresholds),
      bucketS: bucketFor(plan.rampUpS + plan.durationS),
    }),
  );
  const thresholds = [
    ...evaluateThresholds(plan.thresholds, merged),
    ...evaluateResourceThresholds(spec.policy.thresholds, resources),
  ];
  const stored = lms && plan.scenarios.includes("learner-journey") ? await lms.runCounts(runId) : null;
  const integrity = integrityOf(
    merged,
    stored ? { commitsStored: stored.commits, statementsStored: stored.statements } : null,
  );
  const result = buildLoadRunResult({
    plan,
    sandbox: spec.name,
    startedAt,
    endedAt,
    merged,
    thresholds,
    resources,
    integrity,
  });
  await writeFileAtomic(join(outDir, "result.json"), `${JSON.stringify(result, null, 2)}\n`);
  return { ...result, outDir };
}

/** raw sample bytes a learner writes per second, with room to spare (a journey sends about 1 request/s). */
const SAMPLE_BYTES_PER_LEARNER_S = 1000;
const samplesRoom = (plan: { learners: number; rampUpS: number; durationS: number }) =>
  plan.learners * (plan.rampUpS + plan.durationS + 30) * SAMPLE_BYTES_PER_LEARNER_S;

const bucketFor = (totalS: number) => (totalS <= 120 ? 1 : totalS <= 900 ? 5 : 15);

function step<T>(log: Logger, title: string, work: () => Promise<T>): Promise<T> {
  return log.step(title, work);
}

interface ChosenTargets {
  targets: { lms?: string; media?: string; masters?: string[] };
  owned: OwnedEndpoints;
  admin?: { open(): Promise<LmsAdmin> };
  masters?: () => Promise<string[]>;
}

function pickCandidate(view: SandboxView, kind: "lms" | "media", wanted: string | undefined) {
  const all = candidatesOfKind(view, kind);
  if (wanted === undefined) return all[0];
  const found = all.find((c) => c.candidate === wanted);
  if (!found)
    throw usageError(
      "LOAD_UNKNOWN_CANDIDATE",
      `sandbox "${view.sandbox}" has no ${kind} candidate "${wanted}"`,
      `pick one of: ${all.map((c) => c.candidate).join(", ") || "(none)"}`,
    );
  return found;
}

async function adminOf(target: CandidateTarget, account?: { username: string; password: string }) {
  const { adapter } = await lmsAdapter(target.catalogId);
  return { open: () => adapter.admin(target, account) };
}

async function chooseTargets(
  options: RunLoadOptions,
  sandbox: SandboxView | undefined,
): Promise<ChosenTargets> {
  if (options.explicitTarget) {
    const url = new URL(options.explicitTarget.url);
    const owned = { sandbox: options.spec.name, loopbackPorts: [], hostnames: [] };
    if (url.pathname.endsWith(".m3u8")) {
      return { targets: { media: url.origin, masters: [url.pathname] }, owned };
    }
    const env = process.env;
    const account =
      env.SANDBOX_LMS_ADMIN_USER && env.SANDBOX_LMS_ADMIN_PASSWORD
        ? { username: env.SANDBOX_LMS_ADMIN_USER, password: env.SANDBOX_LMS_ADMIN_PASSWORD }
        : undefined;
    // An LMS outside the sandbox is driven as the reference LMS (the only journey the engine speaks).
    const target: CandidateTarget = {
      candidate: url.host,
      catalogId: "reference-lms",
      kind: "lms",
      baseUrl: url.origin,
      loopbackUrl: url.origin,
      container: "",
      internal: { host: url.hostname, port: Number(url.port) || 80 },
    };
    return { targets: { lms: url.origin }, owned, admin: await adminOf(target, account) };
  }
  if (!sandbox) throw usageError("LOAD_NO_SANDBOX", "no sandbox to load", "start one with `sandbox up`");
  const lmsTarget = pickCandidate(sandbox, "lms", options.candidates?.lms);
  const mediaTarget = pickCandidate(sandbox, "media", options.candidates?.media);
  const lms = options.targetUrls?.lms ?? lmsTarget?.baseUrl;
  const media = options.targetUrls?.media ?? mediaTarget?.baseUrl;
  return {
    targets: { ...(lms ? { lms } : {}), ...(media ? { media } : {}) },
    owned: sandbox.owned,
    ...(lmsTarget ? { admin: await adminOf(lmsTarget) } : {}),
    ...(mediaTarget
      ? {
          masters: async () => {
            const { entry, adapter } = await mediaAdapter(mediaTarget.catalogId);
            return adapter.masters(mediaTarget, entry);
          },
        }
      : {}),
  };
}

async function pickCourse(lms: LmsAdmin, wanted: string | undefined): Promise<string | undefined> {
  const courses = await lms.courses();
  if (wanted === undefined) return courses[0]?.id;
  if (!courses.some((c) => c.id === wanted)) {
    throw usageError(
      "LOAD_UNKNOWN_COURSE",
      `the LMS has no course "${wanted}"`,
      `pass --course with one of: ${courses.map((c) => c.id).join(", ") || "(none installed: `sandbox course install <zip>`)"}`,
    );
  }
  return wanted;
}

async function checkNetworkOwned(network: string, sandbox: string): Promise<void> {
  let labels: Record<string, string> = {};
  try {
    labels =
      ((await docker().getNetwork(network).inspect()) as { Labels?: Record<string, string> }).Labels ?? {};
  } catch {
    throw usageError(
      "LOAD_NO_NETWORK",
      `docker network ${network} does not exist`,
      "create the site link first, or leave the network out",
    );
  }
  if (labels["sandbox.name"] !== sandbox) {
    throw usageError(
      "LOAD_TARGET_NOT_OWNED",
      `docker network ${network} does not belong to sandbox "${sandbox}"`,
      "run the learners on the sandbox's own network or one of its site networks",
    );
  }
}
