import { VuBinding } from "./binding.ts";
import { compileScript, type ScriptExports, scriptFactory } from "./compile.ts";
import { parseK6Duration } from "./durations.ts";
import { k6Require } from "./k6-modules.ts";
import { planOfOptions, type ScriptPlan } from "./options.ts";
import type { RunnerScript } from "./run-script.ts";
import { ScriptError } from "./supported.ts";

export interface PreparedScript {
  readonly runner: RunnerScript;
  readonly plan: ScriptPlan;
  /** the script's exports in the init context (the CLI calls handleSummary on a copy like this). */
  readonly initExports: ScriptExports;
}

/** Runs a script's init context once (no VU): what k6 does to read `options`. */
export function initInstance(body: string, env: Readonly<Record<string, string>>): ScriptExports {
  const binding = new VuBinding(0, { name: "", executor: "", startTimeS: 0 });
  try {
    return scriptFactory(body)(
      k6Require(binding, { maxRedirects: 10 }),
      Object.freeze({ ...env }),
      0,
      () => 0,
    );
  } catch (error) {
    if (error instanceof ScriptError) throw error;
    throw new ScriptError(
      "SCRIPT_INIT_FAILED",
      `the script's init context failed: ${(error as Error)?.message ?? error}`,
      "fix the code outside the script's functions (it runs once per VU before the test)",
    );
  }
}

/** Compiles a script, reads its options and plans it: every refusal here comes before the run. */
export async function prepareScript(
  path: string,
  env: Readonly<Record<string, string>>,
): Promise<PreparedScript> {
  const { body } = await compileScript(path);
  const initExports = initInstance(body, env);
  const functions = new Set(Object.keys(initExports).filter((k) => typeof initExports[k] === "function"));
  const plan = planOfOptions(initExports.options, functions);
  const options = (initExports.options ?? {}) as Record<string, unknown>;
  let setupTimeoutS = 60;
  try {
    setupTimeoutS =
      options.setupTimeout === undefined ? 60 : parseK6Duration(options.setupTimeout, "setupTimeout");
  } catch (error) {
    throw ScriptError.badOption("setupTimeout", (error as Error).message);
  }
  return {
    plan,
    initExports,
    runner: {
      body,
      env: { ...env },
      scenarios: plan.scenarios,
      maxRedirects: plan.maxRedirects,
      tags: plan.tags,
      hasSetup: functions.has("setup"),
      hasTeardown: functions.has("teardown"),
      setupTimeoutS,
      abortable: plan.thresholds.some((t) => t.abortOnFail),
    },
  };
}
