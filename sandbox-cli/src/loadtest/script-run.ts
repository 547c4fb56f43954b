import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type PreparedScript, prepareScript } from "../../../loadtests/script/prepare.ts";
import type { StopRequest } from "../../../loadtests/script/stop-file.ts";
import { ScriptError } from "../../../loadtests/script/supported.ts";
import { usageError } from "../errors.ts";
import { stateDir } from "../paths.ts";
import type { Logger } from "../util/log.ts";
import { watchAbortThresholds } from "./abort-watch.ts";
import { type JobRunnerOptions, runJobRunners } from "./job-runners.ts";
import { type MergedRun, mergeSampleFiles } from "./merge.ts";
import { MAX_RUNNERS } from "./plan.ts";
import type { ThresholdResult } from "./result-schema.ts";
import { runContainerRunners, runLocalRunners, runnerFiles } from "./runners.ts";
import { evaluateThresholds, type ThresholdSpec, thresholdSelectors } from "./thresholds.ts";

export interface ScriptRunOptions {
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  /** "host:port" the script may reach (--allow-host, and the sandbox's own when one is given). */
  readonly allowHosts: readonly string[];
  readonly runners: number;
  /** runner containers on this docker network instead of local processes. */
  readonly network?: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  /** runner Jobs in a sandbox's namespace instead (runId is this run's). */
  readonly kubernetes?: Omit<JobRunnerOptions, "runId">;
  /** the folder runs go under: <state>/runs/<name>/<run id>. */
  readonly name: string;
  readonly log: Logger;
}

export interface ScriptRunResult {
  readonly runId: string;
  readonly outDir: string;
  readonly prepared: PreparedScript;
  readonly merged: MergedRun;
  readonly samplePaths: readonly string[];
  readonly thresholds: readonly ThresholdResult[];
  /** the threshold with abortOnFail that stopped the run early, when one did. */
  readonly aborted: StopRequest | undefined;
  readonly passed: boolean;
}

/** A script's refusal as the CLI's usage error (exit 2, before anything runs). */
export async function prepareOrRefuse(
  path: string,
  env: Readonly<Record<string, string>>,
): Promise<PreparedScript> {
  try {
    return await prepareScript(path, env);
  } catch (error) {
    if (error instanceof ScriptError) throw usageError(error.code, `${path}: ${error.message}`, error.hint);
    throw error;
  }
}

export const scriptThresholds = (prepared: PreparedScript): ThresholdSpec[] =>
  prepared.plan.thresholds.map((t) => ({ metric: t.metric, expression: t.expression, zeroWhenNoData: true }));

/** Watches the runners' samples during the run when a threshold has abortOnFail (see abort-watch.ts). */
function watchAborts(prepared: PreparedScript, runId: string, outDir: string, runners: number, log: Logger) {
  const thresholds = prepared.plan.thresholds
    .filter((t) => t.abortOnFail)
    .map((t) => ({ metric: t.metric, expression: t.expression, delayAbortEvalS: t.delayAbortEvalS }));
  if (thresholds.length === 0) return undefined;
  const samplePaths = Array.from({ length: runners }, (_, i) => runnerFiles(outDir, i + 1).samples);
  return watchAbortThresholds({ dir: outDir, runId, samplePaths, thresholds, log });
}

/** The script's errors the runners logged (an exception, a refused host), shown as k6 shows them. */
async function reportScriptErrors(outDir: string, runners: number, log: Logger): Promise<void> {
  for (let i = 1; i <= runners; i++) {
    const text = await readFile(join(outDir, `runner-${i}.log`), "utf8").catch(() => "");
    for (const line of text
      .split("\n")
      .filter((l) => l.startsWith("load-runner: "))
      .slice(0, 5))
      log.warn(`runner ${i}/${runners}: ${line.slice("load-runner: ".length)}`);
  }
}

/** Runs a k6-style script on R runners (execution segments), merges their samples exactly, judges thresholds. */
export async function runScriptLoad(options: ScriptRunOptions): Promise<ScriptRunResult> {
  if (!Number.isInteger(options.runners) || options.runners < 1 || options.runners > MAX_RUNNERS) {
    throw usageError(
      "LOAD_BAD_RUNNERS",
      `--runners ${options.runners} is out of range`,
      `pass a whole number from 1 to ${MAX_RUNNERS}`,
    );
  }
  const prepared = await prepareOrRefuse(options.script, options.env);
  if (options.allowHosts.length === 0) {
    throw usageError(
      "SCRIPT_NO_HOSTS",
      "the script may reach no host: no sandbox is up for it and no --allow-host was given",
      "pass --spec for a sandbox that is up, or --allow-host HOST:PORT for a server you own (e.g. 127.0.0.1:8080)",
    );
  }
  if (
    options.kubernetes &&
    options.runners > 1 &&
    (prepared.runner.hasSetup || prepared.runner.hasTeardown)
  ) {
    throw usageError(
      "SCRIPT_SETUP_ON_JOBS",
      `${options.script} has setup() or teardown(), whose data runner Jobs cannot share (they have no common folder)`,
      "run it with --runners 1 on the cluster, or on the docker target",
    );
  }
  if (options.kubernetes && prepared.plan.thresholds.some((t) => t.abortOnFail)) {
    throw usageError(
      "SCRIPT_ABORT_ON_JOBS",
      `${options.script} has abortOnFail thresholds, which runner Jobs cannot honour (their samples come back only when they end)`,
      "leave abortOnFail out on the cluster, or run the script on the docker target",
    );
  }
  const runId = `lt-${new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14)}-${randomBytes(3).toString("hex")}`;
  const outDir = join(stateDir(), "runs", options.name, runId);
  await mkdir(outDir, { recursive: true });
  const maxRunS = prepared.plan.maxDurationS + 2 * prepared.runner.setupTimeoutS + 30;
  const set = {
    config: { runId, allowHosts: [...options.allowHosts], maxRunS, script: prepared.runner },
    runners: options.runners,
    outDir,
    startDelayMs: 1500 + 250 * options.runners,
    maxRunS,
  };
  const title = `script ${options.script}: ${prepared.plan.scenarios.length} scenario(s), ${options.runners} runner(s)`;
  const watch = watchAborts(prepared, runId, outDir, options.runners, options.log);
  const outputs = await options.log
    .step(title, () =>
      options.kubernetes
        ? runJobRunners(set, { ...options.kubernetes, runId }, options.log)
        : options.network
          ? runContainerRunners(
              set,
              {
                network: options.network.name,
                labels: options.network.labels,
                namePrefix: `sandbox-${options.name}-script-${runId}`,
              },
              options.log,
            )
          : runLocalRunners(set, options.log),
    )
    .finally(() => watch?.done());
  const aborted = await watch?.done();
  await reportScriptErrors(outDir, options.runners, options.log);
  const thresholds = scriptThresholds(prepared);
  const merged = await mergeSampleFiles(outputs.samplePaths, {
    selectors: thresholdSelectors(thresholds),
    bucketS: 1,
  });
  const results = evaluateThresholds(thresholds, merged);
  const passed = results.every((t) => t.ok) && aborted === undefined;
  await writeFile(join(outDir, "thresholds.json"), `${JSON.stringify(results, null, 2)}\n`);
  return {
    runId,
    outDir,
    prepared,
    merged,
    samplePaths: outputs.samplePaths,
    thresholds: results,
    aborted,
    passed,
  };
}
