import { arrivalTimes, segmentShare, sharedIterationsOf } from "./arrival.ts";
import type { Executor, RunShared, Scenario } from "./engine.ts";
import { maxTarget, segmentVus, totalDurationS, vuIntervals } from "./schedule.ts";
import { sleep } from "./sleep.ts";
import { openVu, tagsOf, type VuHandle } from "./vu.ts";

/** The most VUs an executor ever runs at once (the VU indexes segments split). */
export function maxVusOf(executor: Executor): number {
  switch (executor.type) {
    case "ramping-vus":
      return maxTarget(executor.stages, executor.startVus);
    case "per-vu-iterations":
    case "shared-iterations":
      return executor.vus;
    case "arrival-rate":
      return executor.maxVus;
  }
}

/** Sleeps until `atMs` on the run's clock; false when the run's wall fell first. */
async function waitUntil(shared: RunShared, atMs: number): Promise<boolean> {
  const ms = atMs - shared.clock();
  if (shared.wall?.aborted) return false;
  if (ms <= 0) return true;
  return sleep(ms, shared.wall).then(
    () => true,
    () => false,
  );
}

/** Runs this runner's share (its execution segment) of one scenario. */
export function runScenario(scenario: Scenario, shared: RunShared): Promise<void> {
  const e = scenario.executor;
  switch (e.type) {
    case "ramping-vus":
      return Promise.all(
        segmentVus(shared.segment, maxVusOf(e)).map((vu) => rampingVu(scenario, e, vu, shared)),
      ).then(() => undefined);
    case "per-vu-iterations":
    case "shared-iterations":
      return iterationsScenario(scenario, e, shared);
    case "arrival-rate":
      return arrivalScenario(scenario, e, shared);
  }
}

const offsetMs = (scenario: Scenario, shared: RunShared) =>
  shared.originMs + (scenario.startTimeS ?? 0) * 1000;

async function rampingVu(
  scenario: Scenario,
  e: Extract<Executor, { type: "ramping-vus" }>,
  vu: number,
  shared: RunShared,
): Promise<void> {
  const planEndS = totalDurationS(e.stages);
  for (const interval of vuIntervals(e.stages, vu, e.startVus)) {
    if (!(await waitUntil(shared, offsetMs(scenario, shared) + interval.startS * 1000))) return;
    const graceS = interval.stopS >= planEndS ? scenario.gracefulStopS : e.gracefulRampDownS;
    const stopAtMs = offsetMs(scenario, shared) + interval.stopS * 1000;
    const handle = openVu(scenario, vu, shared, stopAtMs, stopAtMs + graceS * 1000);
    try {
      while (!handle.ctx.stopping()) {
        const outcome = await handle.iterate();
        if (outcome === "aborted") break;
        // A failing iteration must not spin: wait a second (or until the lifetime ends) before the next.
        if (outcome === "error") await handle.ctx.sleep(1000).catch(() => undefined);
      }
    } finally {
      handle.close();
    }
  }
}

async function iterationsScenario(
  scenario: Scenario,
  e: Extract<Executor, { type: "per-vu-iterations" | "shared-iterations" }>,
  shared: RunShared,
): Promise<void> {
  if (!(await waitUntil(shared, offsetMs(scenario, shared)))) return;
  const stopAtMs = offsetMs(scenario, shared) + e.maxDurationS * 1000;
  const pool = { left: sharedIterationsOf(shared.segment, e.vus, e.iterations) };
  const more = (done: number) => (e.type === "per-vu-iterations" ? done < e.iterations : pool.left-- > 0);
  await Promise.all(
    segmentVus(shared.segment, e.vus).map(async (vu) => {
      const handle = openVu(scenario, vu, shared, stopAtMs, stopAtMs + scenario.gracefulStopS * 1000);
      try {
        for (let done = 0; !handle.ctx.stopping() && more(done); done++) {
          if ((await handle.iterate()) === "aborted") break;
        }
      } finally {
        handle.close();
      }
    }),
  );
}

async function arrivalScenario(
  scenario: Scenario,
  e: Extract<Executor, { type: "arrival-rate" }>,
  shared: RunShared,
): Promise<void> {
  const start = offsetMs(scenario, shared);
  const stopAtMs = start + totalDurationS(e.stages) * 1000;
  const killAtMs = stopAtMs + scenario.gracefulStopS * 1000;
  const times = arrivalTimes(e);
  const ids = segmentVus(shared.segment, e.maxVus);
  const preAllocated = segmentVus(shared.segment, e.preAllocatedVus).length;
  const dropped = shared.registry.counter("dropped_iterations");
  if (!(await waitUntil(shared, start))) return;
  const all: VuHandle[] = [];
  const idle: VuHandle[] = [];
  const open = () => {
    const handle = openVu(scenario, ids[all.length] as number, shared, stopAtMs, killAtMs);
    all.push(handle);
    return handle;
  };
  for (let i = 0; i < preAllocated; i++) idle.push(open());
  const running = new Set<Promise<unknown>>();
  try {
    for (const k of segmentShare(shared.segment, times.length)) {
      if (!(await waitUntil(shared, start + (times[k] as number) * 1000))) break;
      if (shared.clock() >= stopAtMs) break;
      const vu = idle.pop() ?? (all.length < ids.length ? open() : undefined);
      if (!vu) {
        dropped.add(1, tagsOf(scenario));
        continue;
      }
      const run = vu.iterate().then(() => {
        running.delete(run);
        idle.push(vu);
      });
      running.add(run);
    }
    await Promise.all(running);
  } finally {
    for (const handle of all) handle.close();
  }
}
