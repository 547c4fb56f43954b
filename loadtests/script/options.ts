import type { Executor } from "../lib/engine.ts";
import type { Stage } from "../lib/schedule.ts";
import { parseK6Duration } from "./durations.ts";
import { ScriptError } from "./supported.ts";

/** One scenario of a script, in the engine's terms (what every runner gets). */
export interface ScriptScenario {
  readonly name: string;
  readonly executor: Executor;
  readonly k6Executor: string;
  readonly startTimeS: number;
  readonly gracefulStopS: number;
  readonly exec: string;
  readonly env: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ScriptThreshold {
  readonly metric: string;
  readonly expression: string;
  /** k6's abortOnFail: judged during the run too, and the run stops as soon as it fails. */
  readonly abortOnFail: boolean;
  /** k6's delayAbortEval: seconds of run time before the abort is considered. */
  readonly delayAbortEvalS: number;
}

export interface ScriptPlan {
  readonly scenarios: readonly ScriptScenario[];
  readonly thresholds: readonly ScriptThreshold[];
  readonly maxRedirects: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly summaryTrendStats: readonly string[];
  /** the longest the plan can run, seconds (scenarios' ends plus graceful stops). */
  readonly maxDurationS: number;
}

const TOP_LEVEL = new Set([
  "vus",
  "duration",
  "iterations",
  "stages",
  "scenarios",
  "thresholds",
  "tags",
  "maxRedirects",
  "summaryTrendStats",
  "setupTimeout",
  "teardownTimeout",
]);
const INSTEAD: Record<string, string> = {
  hosts: "point the script at the sandbox's own URLs (pass them with --env) instead of remapping names",
  ext: "results stay on this machine: use --out json=FILE or --summary-export FILE",
  cloud: "results stay on this machine: use --out json=FILE or --summary-export FILE",
  executionSegment:
    "use sandbox loadtest --runners N: the engine splits every scenario across runners itself",
  executionSegmentSequence: "use sandbox loadtest --runners N",
  rps: "use a constant-arrival-rate scenario to set the request rate",
  batch: "leave it out: http.batch() sends every request of a batch at once",
  batchPerHost: "leave it out: http.batch() sends every request of a batch at once",
};
const COMMON = ["executor", "startTime", "gracefulStop", "exec", "env", "tags"];
const EXECUTOR_KEYS: Record<string, string[]> = {
  "constant-vus": ["vus", "duration"],
  "ramping-vus": ["startVUs", "stages", "gracefulRampDown"],
  "per-vu-iterations": ["vus", "iterations", "maxDuration"],
  "shared-iterations": ["vus", "iterations", "maxDuration"],
  "constant-arrival-rate": ["rate", "timeUnit", "duration", "preAllocatedVUs", "maxVUs"],
  "ramping-arrival-rate": ["startRate", "timeUnit", "stages", "preAllocatedVUs", "maxVUs"],
};

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

function seconds(raw: Raw, key: string, path: string, fallback?: number): number {
  if (raw[key] === undefined) {
    if (fallback === undefined) throw ScriptError.badOption(`${path}.${key}`, "is required");
    return fallback;
  }
  try {
    return parseK6Duration(raw[key], `${path}.${key}`);
  } catch (error) {
    throw ScriptError.badOption(`${path}.${key}`, (error as Error).message);
  }
}

function count(raw: Raw, key: string, path: string, fallback?: number, min = 0): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    throw ScriptError.badOption(
      `${path}.${key}`,
      `must be a whole number >= ${min}, got ${JSON.stringify(raw[key])}`,
    );
  return value;
}

function stagesOf(raw: Raw, path: string): Stage[] {
  const stages = raw.stages;
  if (!Array.isArray(stages) || stages.length === 0)
    throw ScriptError.badOption(`${path}.stages`, "must be a list of { duration, target }");
  return stages.map((stage, i) => {
    if (!isObject(stage)) throw ScriptError.badOption(`${path}.stages[${i}]`, "must be { duration, target }");
    return {
      durationS: seconds(stage, "duration", `${path}.stages[${i}]`),
      target: count(stage, "target", `${path}.stages[${i}]`),
    };
  });
}

function stringMap(value: unknown, path: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) throw ScriptError.badOption(path, "must be an object of strings");
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function executorOf(raw: Raw, path: string): { executor: Executor; endS: number } {
  const type = String(raw.executor);
  switch (type) {
    case "constant-vus": {
      const durationS = seconds(raw, "duration", path);
      const vus = count(raw, "vus", path, 1, 1);
      const stages = [
        { durationS: 0, target: vus },
        { durationS, target: vus },
      ];
      return { executor: { type: "ramping-vus", stages, gracefulRampDownS: 0 }, endS: durationS };
    }
    case "ramping-vus": {
      const stages = stagesOf(raw, path);
      return {
        executor: {
          type: "ramping-vus",
          stages,
          startVus: count(raw, "startVUs", path, 1),
          gracefulRampDownS: seconds(raw, "gracefulRampDown", path, 30),
        },
        endS: stages.reduce((s, st) => s + st.durationS, 0),
      };
    }
    case "per-vu-iterations":
    case "shared-iterations": {
      const maxDurationS = seconds(raw, "maxDuration", path, 600);
      return {
        executor: {
          type,
          vus: count(raw, "vus", path, 1, 1),
          iterations: count(raw, "iterations", path, 1, 1),
          maxDurationS,
        },
        endS: maxDurationS,
      };
    }
    case "constant-arrival-rate":
    case "ramping-arrival-rate": {
      const constant = type === "constant-arrival-rate";
      const rate = constant ? count(raw, "rate", path, undefined, 1) : count(raw, "startRate", path, 0);
      const stages = constant
        ? [{ durationS: seconds(raw, "duration", path), target: rate }]
        : stagesOf(raw, path);
      const preAllocatedVus = count(raw, "preAllocatedVUs", path, undefined, 0);
      const maxVus = Math.max(preAllocatedVus, count(raw, "maxVUs", path, preAllocatedVus, 0));
      if (maxVus < 1) throw ScriptError.badOption(`${path}.preAllocatedVUs`, "must be at least 1");
      return {
        executor: {
          type: "arrival-rate",
          startRate: rate,
          timeUnitS: seconds(raw, "timeUnit", path, 1),
          stages,
          preAllocatedVus,
          maxVus,
        },
        endS: stages.reduce((s, st) => s + st.durationS, 0),
      };
    }
    default:
      throw ScriptError.unsupportedOption(
        `${path}.executor "${type}"`,
        `use one of: ${Object.keys(EXECUTOR_KEYS).join(", ")}`,
      );
  }
}

function scenarioOf(name: string, raw: Raw): ScriptScenario & { endS: number } {
  const path = `scenarios.${name}`;
  const allowed = new Set([...COMMON, ...(EXECUTOR_KEYS[String(raw.executor)] ?? [])]);
  const { executor, endS } = executorOf(raw, path);
  for (const key of Object.keys(raw))
    if (!allowed.has(key))
      throw ScriptError.unsupportedOption(
        `${path}.${key}`,
        `a ${String(raw.executor)} scenario takes: ${[...allowed].join(", ")}`,
      );
  const startTimeS = seconds(raw, "startTime", path, 0);
  const gracefulStopS = seconds(raw, "gracefulStop", path, 30);
  return {
    name,
    executor,
    k6Executor: String(raw.executor),
    startTimeS,
    gracefulStopS,
    exec: raw.exec === undefined ? "default" : String(raw.exec),
    env: stringMap(raw.env, `${path}.env`),
    tags: stringMap(raw.tags, `${path}.tags`),
    endS: startTimeS + endS + gracefulStopS,
  };
}

/** The scenarios of the shortcut options (k6's rules: stages, then vus+duration, then iterations, else one iteration). */
function shortcutScenario(o: Raw): Raw {
  if (o.stages !== undefined) return { executor: "ramping-vus", startVUs: o.vus ?? 1, stages: o.stages };
  if (o.duration !== undefined && o.iterations !== undefined)
    return {
      executor: "shared-iterations",
      vus: o.vus ?? 1,
      iterations: o.iterations,
      maxDuration: o.duration,
    };
  if (o.duration !== undefined) return { executor: "constant-vus", vus: o.vus ?? 1, duration: o.duration };
  return { executor: "shared-iterations", vus: o.vus ?? 1, iterations: o.iterations ?? 1 };
}

const THRESHOLD_KEYS = new Set(["threshold", "abortOnFail", "delayAbortEval"]);

function thresholdOf(metric: string, item: unknown): ScriptThreshold {
  const path = `thresholds["${metric}"]`;
  if (typeof item === "string") return { metric, expression: item, abortOnFail: false, delayAbortEvalS: 0 };
  if (!isObject(item) || typeof item.threshold !== "string")
    throw ScriptError.badOption(path, 'each entry is "p(95)<200" or { threshold: "...", abortOnFail: true }');
  for (const key of Object.keys(item))
    if (!THRESHOLD_KEYS.has(key))
      throw ScriptError.unsupportedOption(
        `${path}.${key}`,
        `a threshold takes: ${[...THRESHOLD_KEYS].join(", ")}`,
      );
  if (item.abortOnFail !== undefined && typeof item.abortOnFail !== "boolean")
    throw ScriptError.badOption(`${path}.abortOnFail`, "must be true or false");
  return {
    metric,
    expression: item.threshold,
    abortOnFail: item.abortOnFail === true,
    delayAbortEvalS: seconds(item, "delayAbortEval", path, 0),
  };
}

function thresholdsOf(value: unknown): ScriptThreshold[] {
  if (value === undefined) return [];
  if (!isObject(value)) throw ScriptError.badOption("thresholds", 'must be { metric: ["p(95)<200", ...] }');
  return Object.entries(value).flatMap(([metric, list]) =>
    (Array.isArray(list) ? list : [list]).map((item) => thresholdOf(metric, item)),
  );
}

/** A script's `options` as the engine's plan; anything unsupported is refused, naming it and what to use. */
export function planOfOptions(options: unknown, exported: ReadonlySet<string>): ScriptPlan {
  const o: Raw = options === undefined ? {} : isObject(options) ? options : {};
  if (options !== undefined && !isObject(options))
    throw ScriptError.badOption("", "options must be an object");
  for (const key of Object.keys(o))
    if (!TOP_LEVEL.has(key))
      throw ScriptError.unsupportedOption(
        key,
        INSTEAD[key] ?? `supported options: ${[...TOP_LEVEL].join(", ")}`,
      );
  const raw = o.scenarios !== undefined ? o.scenarios : { default: shortcutScenario(o) };
  if (!isObject(raw) || Object.keys(raw).length === 0)
    throw ScriptError.badOption("scenarios", "must name at least one scenario");
  const scenarios = Object.entries(raw).map(([name, s]) => {
    if (!isObject(s)) throw ScriptError.badOption(`scenarios.${name}`, "must be an object");
    const scenario = scenarioOf(name, s);
    if (!exported.has(scenario.exec))
      throw ScriptError.badOption(
        `scenarios.${name}.exec`,
        `the script exports no function "${scenario.exec}"`,
      );
    return scenario;
  });
  const trendStats = o.summaryTrendStats ?? ["avg", "min", "med", "max", "p(90)", "p(95)"];
  if (!Array.isArray(trendStats))
    throw ScriptError.badOption("summaryTrendStats", 'must be a list like ["avg", "p(95)"]');
  return {
    scenarios: scenarios.map(({ endS: _endS, ...s }) => s),
    thresholds: thresholdsOf(o.thresholds),
    maxRedirects: o.maxRedirects === undefined ? 10 : count(o, "maxRedirects", ""),
    tags: stringMap(o.tags, "tags"),
    summaryTrendStats: trendStats.map(String),
    maxDurationS: Math.max(...scenarios.map((s) => s.endS)),
  };
}
