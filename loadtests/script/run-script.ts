import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RunShared, Scenario, VuContext } from "../lib/engine.ts";
import { maxVusOf } from "../lib/executors.ts";
import { sleep } from "../lib/sleep.ts";
import { openVu } from "../lib/vu.ts";
import { VuBinding } from "./binding.ts";
import { type ScriptExports, scriptFactory } from "./compile.ts";
import { k6Require } from "./k6-modules.ts";
import type { ScriptScenario } from "./options.ts";

/** What a runner gets of a script (inside its runner configuration). */
export interface RunnerScript {
  readonly body: string;
  readonly env: Readonly<Record<string, string>>;
  readonly scenarios: readonly ScriptScenario[];
  readonly maxRedirects: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly hasSetup: boolean;
  readonly hasTeardown: boolean;
  readonly setupTimeoutS: number;
  /** a threshold has abortOnFail: the runner polls the run's stop file. */
  readonly abortable: boolean;
}

interface Coordination {
  readonly runId: string;
  /** a folder every runner shares (the run's output folder). */
  readonly dir: string;
  readonly segment: { readonly index: number; readonly count: number };
}

const setupFile = (c: Coordination) => join(c.dir, `${c.runId}.setup.json`);
const doneFile = (c: Coordination, i: number) => join(c.dir, `${c.runId}.done-${i}`);

/** Polls for a file every 50 ms until it exists or the wall falls; false on the wall. */
async function waitForFile(path: string, wall: AbortSignal | undefined): Promise<boolean> {
  while (!existsSync(path)) {
    if (
      !(await sleep(50, wall).then(
        () => true,
        () => false,
      ))
    )
      return false;
  }
  return true;
}

/**
 * A script as the engine's scenarios, plus its setup and teardown: runner 1 runs setup() and shares its
 * data (JSON, as k6 does) with every runner through the run's folder; it runs teardown() once the others are done.
 */
export function scriptParts(script: RunnerScript, coordination: Coordination) {
  const factory = scriptFactory(script.body);
  const defaults = { maxRedirects: script.maxRedirects };
  let setupJson = "null";
  const instance = (binding: VuBinding, env: Readonly<Record<string, string>>): ScriptExports =>
    factory(
      k6Require(binding, defaults),
      Object.freeze({ ...script.env, ...env }),
      binding.idInTest,
      () => binding.iterationInScenario,
    );
  let vuIdOffset = 0;
  const scenarios: Scenario[] = script.scenarios.map((s) => {
    const bindings = new Map<number, { binding: VuBinding; fn: (data: unknown) => unknown; data: unknown }>();
    const offset = vuIdOffset;
    vuIdOffset += maxVusOf(s.executor);
    const info = { name: s.name, executor: s.k6Executor, startTimeS: s.startTimeS };
    return {
      name: s.name,
      executor: s.executor,
      startTimeS: s.startTimeS,
      gracefulStopS: s.gracefulStopS,
      tags: { ...script.tags, ...s.tags },
      vuIdOffset: offset,
      async iteration(ctx: VuContext) {
        let vu = bindings.get(ctx.vu);
        if (!vu) {
          const binding = new VuBinding(ctx.idInTest, info);
          const exported = instance(binding, s.env);
          vu = { binding, fn: exported[s.exec] as (data: unknown) => unknown, data: JSON.parse(setupJson) };
          bindings.set(ctx.vu, vu);
        }
        vu.binding.ctx = ctx;
        vu.binding.group = "";
        vu.binding.jar.clear();
        try {
          await vu.fn(vu.data);
        } finally {
          vu.binding.iterationInScenario++;
        }
      },
    };
  });
  const lifecycle = (name: "setup" | "teardown") => async (shared: RunShared, data?: unknown) => {
    const binding = new VuBinding(0, { name, executor: "", startTimeS: 0 });
    binding.group = `::${name}`;
    const fn = instance(binding, {})[name] as (d: unknown) => unknown;
    const scenario: Scenario = {
      name,
      executor: { type: "per-vu-iterations", vus: 1, iterations: 1, maxDurationS: script.setupTimeoutS },
      gracefulStopS: 0,
      iteration: async () => undefined,
    };
    const until = shared.clock() + script.setupTimeoutS * 1000;
    const handle = openVu(scenario, 0, shared, until, until);
    binding.ctx = handle.ctx;
    try {
      return await fn(data);
    } finally {
      handle.close();
    }
  };
  const first = coordination.segment.index === 1;
  return {
    scenarios,
    async setup(shared: RunShared): Promise<number> {
      // Nothing to share without setup(): every runner starts at the shared start instant (runner Jobs
      // on a cluster share no folder, so only scripts with setup() or teardown() need one).
      if (!script.hasSetup) return 0;
      if (first) {
        const data = script.hasSetup ? await lifecycle("setup")(shared) : null;
        setupJson = JSON.stringify(data ?? null);
        writeFileSync(setupFile(coordination), JSON.stringify({ data: setupJson, originMs: shared.clock() }));
      } else if (!(await waitForFile(setupFile(coordination), shared.wall))) {
        throw new Error("runner 1 did not share its setup data before the run's wall");
      }
      const shared1 = JSON.parse(readFileSync(setupFile(coordination), "utf8")) as {
        data: string;
        originMs: number;
      };
      setupJson = shared1.data;
      return shared1.originMs;
    },
    async teardown(shared: RunShared): Promise<void> {
      if (!script.hasTeardown) return;
      if (!first) {
        writeFileSync(doneFile(coordination, coordination.segment.index), "");
        return;
      }
      for (let i = 2; i <= coordination.segment.count; i++)
        if (!(await waitForFile(doneFile(coordination, i), shared.wall))) return;
      await lifecycle("teardown")(shared, JSON.parse(setupJson));
    },
  };
}

export const coordinationDirOf = (samplesPath: string) => dirname(samplesPath);
