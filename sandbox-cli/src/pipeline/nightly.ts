import { createHash } from "node:crypto";
import { copyFile, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { readItPolicyConfigInput } from "../../../stacks/policy/config-file.ts";
import {
  type CapacityResult,
  capacityResult,
  lmsTrafficFromCourse,
  type SiteCapacity,
} from "../capacity/index.ts";
import type { CourseProfile } from "../course/profile.ts";
import { usageError } from "../errors.ts";
import type { InstallResult } from "../install/course-install.ts";
import type { LoadRunResult } from "../loadtest/result-schema.ts";
import { stateDir } from "../paths.ts";
import { buildReport, type PolicyResult, type WrittenReport, writeReport } from "../report/index.ts";
import type { Bakeoff } from "../report/schema.ts";
import { type LoadedSpec, loadSpecFile } from "../sandbox-spec/index.ts";
import { writeFileAtomic } from "../util/disk-space.ts";
import type { Logger } from "../util/log.ts";
import { candidatesByKind, runBakeoff } from "./bakeoff.ts";
import { evaluateItPolicy } from "./policy-check.ts";
import { collectProvenance, sandboxImages } from "./provenance.ts";
import { ResumableSteps } from "./resumable-steps.ts";
import { specCoursePath } from "./spec-courses.ts";

export interface NightlyOptions {
  readonly specPath: string;
  /** keep the sandbox running afterwards (default: take it down). */
  readonly keep?: boolean;
  /** measure N_max through each site's shaped link, for sites whose predicted N_max is at most this. */
  readonly measureSitesUpTo?: number;
  /** where the report goes (default: the run folder). */
  readonly outDir?: string;
}

export interface NightlyResult {
  readonly runDir: string;
  readonly report: WrittenReport;
  readonly decision: string;
  readonly exitCode: number;
  readonly headline: string;
}

/** up -> install -> load test -> capacity -> policy -> report -> down; each step resumable. */
export async function runNightly(options: NightlyOptions, log: Logger): Promise<NightlyResult> {
  const loaded = await loadSpecFile(options.specPath);
  const { spec } = loaded;
  if (spec.courses.length === 0) {
    throw usageError(
      "NIGHTLY_NO_COURSE",
      `${options.specPath} lists no courses`,
      "add `courses: [{ path: course.zip }]` to the spec",
    );
  }
  const key = createHash("sha256")
    .update(loaded.sha256)
    .update(JSON.stringify({ m: options.measureSitesUpTo ?? 0 }))
    .digest("hex")
    .slice(0, 16);
  const runDir = join(stateDir(), "nightly", spec.name, key);
  const steps = await ResumableSteps.open(join(runDir, "state.json"), key, log);
  const engine = await import("../engine/index.ts");

  await steps.run("up", `sandbox up ${spec.name}`, async () => {
    const up = await engine.sandboxUp(loaded, log);
    return { changed: up.changed, durationS: up.durationS };
  });
  const installs = await steps.run("install", "install the course(s) and publish their video", () =>
    installAll(loaded, log),
  );
  const load = await steps.run("loadtest", "load test: learner journeys and HLS viewers", () =>
    loadTest(loaded, installs, runDir, log),
  );
  const bakeoff = await steps.run("bakeoff", "bake-off: each candidate of a kind on the same plan", () =>
    bakeoffAll(loaded, installs, runDir, log),
  );
  const capacity = await steps.run(
    "capacity",
    "capacity per site (predicted, and measured where asked)",
    () => siteCapacities(loaded, installs, options.measureSitesUpTo ?? 0, log),
  );
  const policy = await steps.run("policy", "IT's policy pack on the sandbox's cluster rendering", () =>
    evaluateItPolicy(spec, new Date(), readItPolicyConfigInput()),
  );
  const written = await steps.run("report", "write the promotion report", () =>
    report(loaded, installs, { load, bakeoff }, capacity, policy, options.outDir ?? join(runDir, "report")),
  );
  if (!options.keep) {
    await steps.run("down", `sandbox down ${spec.name}`, async () => {
      const down = await engine.sandboxDown(spec.name, log);
      return { removed: down };
    });
  }
  await copyFile(loaded.path, join(runDir, "sandbox.yaml"));
  // A finished line is not resumed: the next run starts afresh (the old state stays beside it).
  await rename(join(runDir, "state.json"), join(runDir, `state-${Date.now()}.json`));
  return {
    runDir,
    report: written.paths,
    decision: written.decision,
    exitCode: written.exitCode,
    headline: written.headline,
  };
}

async function installAll(loaded: LoadedSpec, log: Logger): Promise<InstallResult[]> {
  const { installCourse } = await import("../install/course-install.ts");
  const results: InstallResult[] = [];
  for (const course of loaded.spec.courses) {
    const coursePath = await specCoursePath(loaded, course, log);
    results.push(
      await installCourse(
        {
          sandbox: loaded.spec.name,
          coursePath,
          ...(course.candidates ? { candidates: course.candidates } : {}),
        },
        log,
      ),
    );
  }
  return results;
}

/** What every load run of the line shares: the installed course and how long its media lasts. */
function loadBase(installs: InstallResult[]) {
  const mediaDurationS = Math.max(0, ...installs.flatMap((i) => i.profile.media.map((m) => m.durationS)));
  const courseId = installs[0]?.lms[0]?.courseId;
  return { ...(courseId ? { courseId } : {}), ...(mediaDurationS > 0 ? { mediaDurationS } : {}) };
}

async function bakeoffAll(loaded: LoadedSpec, installs: InstallResult[], runDir: string, log: Logger) {
  const bakeoff = await runBakeoff(loaded.spec, loadBase(installs), log);
  await mkdir(runDir, { recursive: true });
  await writeFile(join(runDir, "bakeoff.json"), `${JSON.stringify(bakeoff, null, 2)}\n`);
  return bakeoff;
}

async function loadTest(
  loaded: LoadedSpec,
  installs: InstallResult[],
  runDir: string,
  log: Logger,
): Promise<LoadRunResult> {
  const { runLoad } = await import("../loadtest/run.ts");
  const result = await runLoad({ spec: loaded.spec, log, ...loadBase(installs) });
  const { outDir: _outDir, ...plain } = result;
  await mkdir(runDir, { recursive: true });
  await writeFileAtomic(join(runDir, "load-result.json"), `${JSON.stringify(plain, null, 2)}\n`);
  return plain;
}

async function siteCapacities(
  loaded: LoadedSpec,
  installs: InstallResult[],
  measureUpTo: number,
  log: Logger,
): Promise<CapacityResult | null> {
  const media = installs.flatMap((i) => i.media)[0];
  if (loaded.sites.length === 0 || !media) return null;
  const course = installs[0]?.profile as CourseProfile;
  const lms = lmsTrafficFromCourse(course);
  const predicted = capacityResult(loaded.sites, media.renditions, {
    overhead: loaded.spec.policy.mediaOverhead,
    lms,
    mediaDurationS: Math.max(0, ...course.media.map((m) => m.durationS)) || undefined,
  });
  if (measureUpTo <= 0) return predicted;
  const { measureSiteCapacity } = await import("./measure-site.ts");
  const { segmentDurationS } = media;
  const sites: SiteCapacity[] = [];
  for (const site of predicted.sites) {
    const resolved = loaded.sites.find((s) => s.name === site.site);
    if (!resolved || site.predictedNMax > measureUpTo) {
      sites.push(site);
      continue;
    }
    sites.push(
      await measureSiteCapacity(
        {
          spec: loaded.spec,
          site: resolved,
          predicted: site,
          ladder: media.renditions,
          segmentDurationS,
          durationS: 3 * segmentDurationS,
          rampS: 5,
          maxProbes: 5,
        },
        log,
      ),
    );
  }
  return { ...predicted, sites };
}

async function report(
  loaded: LoadedSpec,
  installs: InstallResult[],
  runs: { load: LoadRunResult; bakeoff: Bakeoff },
  capacity: CapacityResult | null,
  policy: PolicyResult[],
  outDir: string,
): Promise<{ paths: WrittenReport; decision: string; exitCode: number; headline: string }> {
  const course = installs[0]?.profile ?? null;
  const provenance = await collectProvenance({
    sandbox: loaded.spec.name,
    specSha256: loaded.sha256,
    courseSha256: course?.sha256 ?? null,
    images: await sandboxImages(loaded.spec.name),
    loadEngine: runs.load.engine,
  });
  const built = buildReport({
    spec: loaded.spec,
    sites: loaded.sites,
    course,
    load: runs.load,
    bakeoff: runs.bakeoff,
    candidates: verdictCandidates(loaded, installs),
    capacity,
    policy,
    provenance,
    generatedAt: new Date().toISOString(),
  });
  const paths = await writeReport(built, outDir);
  return {
    paths,
    decision: built.verdict.decision,
    exitCode: built.verdict.exitCode,
    headline: built.verdict.headline,
  };
}

/** The verdict is for the candidates the main load test and the capacity figures used: the first of each kind. */
function verdictCandidates(loaded: LoadedSpec, installs: InstallResult[]) {
  const byKind = candidatesByKind(loaded.spec);
  return {
    lms: byKind.lms[0] ?? null,
    media: installs.flatMap((i) => i.media)[0]?.candidate ?? byKind.media[0] ?? null,
  };
}
