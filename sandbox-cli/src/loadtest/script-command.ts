import { writeFile } from "node:fs/promises";
import { initInstance } from "../../../loadtests/script/prepare.ts";
import { usageError } from "../errors.ts";
import { readSandboxView, type SandboxView } from "../sandbox/view.ts";
import type { Logger } from "../util/log.ts";
import { checkBreakdown, type OutputSpec, writeOutput } from "./script-outputs.ts";
import { runScriptLoad, type ScriptRunResult } from "./script-run.ts";
import { renderSummary, type SummaryData, summaryData } from "./script-summary.ts";

export interface ScriptCommandOptions {
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly allowHosts: readonly string[];
  readonly runners: number;
  /** a sandbox whose own services the script may also reach (its published ports on 127.0.0.1). */
  readonly sandbox?: string;
  readonly outputs: readonly OutputSpec[];
  readonly summaryExport?: string;
  readonly log: Logger;
}

/** `KEY=VALUE` pairs of --env as __ENV. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw usageError(
        "LOAD_BAD_FLAG",
        `--env ${pair} is not KEY=VALUE`,
        "write e.g. --env BASE_URL=http://127.0.0.1:8080",
      );
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

const sandboxHosts = (view: SandboxView | undefined): string[] =>
  (view?.owned.loopbackPorts ?? []).map((port) => `127.0.0.1:${port}`);

/** Calls the script's handleSummary(data) and writes what it returns (stdout, stderr or file paths). */
async function handleSummary(run: ScriptRunResult, data: SummaryData): Promise<string | undefined> {
  const exported = initInstance(run.prepared.runner.body, run.prepared.runner.env);
  const fn = exported.handleSummary as ((d: SummaryData) => unknown) | undefined;
  if (typeof fn !== "function") return undefined;
  const returned = (await fn(data)) as Record<string, string | ArrayBuffer> | undefined;
  let stdout = "";
  for (const [target, content] of Object.entries(returned ?? {})) {
    const text = typeof content === "string" ? content : Buffer.from(content);
    if (target === "stdout") stdout += String(text);
    else if (target === "stderr") process.stderr.write(text);
    else await writeFile(target, text);
  }
  return stdout;
}

/** `sandbox loadtest --script`: run, merge, judge, then the summary and the outputs a k6 user expects. */
export async function runScriptCommand(options: ScriptCommandOptions) {
  // the sandbox's loopback ports (kubernetes: port-forwards) stay open for the whole run
  const view = options.sandbox === undefined ? undefined : await readSandboxView(options.sandbox, "loopback");
  try {
    return await runScriptWith(options, view);
  } finally {
    await view?.close();
  }
}

async function runScriptWith(options: ScriptCommandOptions, view: SandboxView | undefined) {
  const allowHosts = [...options.allowHosts, ...sandboxHosts(view)];
  const run = await runScriptLoad({
    script: options.script,
    env: options.env,
    allowHosts,
    runners: options.runners,
    name: options.sandbox ?? "script",
    log: options.log,
  });
  const data = summaryData({
    merged: run.merged,
    thresholds: run.thresholds,
    checks: await checkBreakdown(run.samplePaths),
    trendStats: run.prepared.plan.summaryTrendStats,
  });
  const byMetric: Record<string, string[]> = {};
  for (const t of run.prepared.plan.thresholds)
    byMetric[t.metric] = [...(byMetric[t.metric] ?? []), t.expression];
  for (const spec of options.outputs) await writeOutput(spec, run.samplePaths, byMetric);
  if (options.summaryExport) await writeFile(options.summaryExport, `${JSON.stringify(data, null, 2)}\n`);
  const custom = await handleSummary(run, data);
  return {
    run,
    data,
    text: custom ?? renderSummary(data, run.aborted),
    json: {
      runId: run.runId,
      outDir: run.outDir,
      passed: run.passed,
      thresholds: run.thresholds,
      elapsedS: run.merged.elapsedS,
      abortedByThreshold: run.aborted ?? null,
      metrics: data.metrics,
      root_group: data.root_group,
    },
  };
}
