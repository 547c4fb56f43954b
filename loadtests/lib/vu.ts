import type { RunShared, Scenario, VuContext } from "./engine.ts";
import { HttpClient } from "./http.ts";
import type { Metric } from "./metrics.ts";
import type { Tags } from "./samples.ts";
import { hash32, isAborted, seededRandom, sleep } from "./sleep.ts";

/** One activation of a VU: its context (alive until `killAtMs`), one-iteration runs, and its end. */
export interface VuHandle {
  readonly ctx: VuContext;
  /** runs one iteration: "ok", "error" (counted and reported) or "aborted" (the lifetime ended). */
  iterate(): Promise<"ok" | "error" | "aborted">;
  close(): void;
}

const scenarioTags = new WeakMap<Scenario, Tags>();
export function tagsOf(scenario: Scenario): Tags {
  let tags = scenarioTags.get(scenario);
  if (!tags) {
    tags = Object.freeze({ ...scenario.tags, scenario: scenario.name });
    scenarioTags.set(scenario, tags);
  }
  return tags;
}

/**
 * Opens VU `vu` of `scenario` on the run's clock: it should wrap up at `stopAtMs` (`stopping()` turns true)
 * and is aborted at `killAtMs` (every sleep and request rejects), or when the run's wall falls.
 */
export function openVu(
  scenario: Scenario,
  vu: number,
  shared: RunShared,
  stopAtMs: number,
  killAtMs: number,
): VuHandle {
  const tags = tagsOf(scenario);
  const lifetime = new AbortController();
  const onWall = () => lifetime.abort();
  shared.wall?.addEventListener("abort", onWall, { once: true });
  if (shared.wall?.aborted) lifetime.abort();
  const killTimer = setTimeout(() => lifetime.abort(), Math.max(0, killAtMs - shared.clock()));
  const http = new HttpClient(shared.registry, tags, lifetime.signal, {
    allow: shared.allow,
    ...(scenario.headers ? { headers: scenario.headers } : {}),
    ...(scenario.httpTimeoutMs ? { timeoutMs: scenario.httpTimeoutMs } : {}),
  });
  const metrics = {
    iterations: shared.registry.counter("iterations"),
    duration: shared.registry.trend("iteration_duration"),
    checks: shared.registry.rate("checks"),
  };
  const checkTagCache = new Map<string, Tags>();
  const checkTags = (name: string) => {
    let t = checkTagCache.get(name);
    if (!t) {
      t = Object.freeze({ ...tags, check: name });
      checkTagCache.set(name, t);
    }
    return t;
  };
  const ctx: VuContext = {
    scenario: scenario.name,
    vu,
    idInTest: (scenario.vuIdOffset ?? 0) + vu + 1,
    iteration: 0,
    signal: lifetime.signal,
    stopping: () => shared.clock() >= stopAtMs,
    http,
    metrics: shared.registry,
    tags,
    random: seededRandom(hash32(`${shared.runId}/${scenario.name}/${vu}`)),
    sleep: (ms) => sleep(ms, lifetime.signal),
    check: (value, conditions) => recordChecks(metrics.checks, checkTags, value, conditions),
    now: shared.clock,
  };
  const learner = scenario.countsAsLearners !== false ? 1 : 0;
  shared.state.active++;
  shared.state.learners += learner;
  let closed = false;
  return {
    ctx,
    async iterate() {
      if (lifetime.signal.aborted) return "aborted";
      const started = shared.clock();
      try {
        await scenario.iteration(ctx);
        metrics.iterations.add(1, tags);
        metrics.duration.add(shared.clock() - started, tags);
        return "ok";
      } catch (error) {
        if (isAborted(error) || lifetime.signal.aborted) return "aborted";
        shared.registry.counter("iteration_errors").add(1, tags);
        shared.onError?.(scenario.name, vu, error);
        return "error";
      } finally {
        ctx.iteration++;
      }
    },
    close() {
      if (closed) return;
      closed = true;
      shared.state.active--;
      shared.state.learners -= learner;
      clearTimeout(killTimer);
      shared.wall?.removeEventListener("abort", onWall);
      lifetime.abort();
      http.close();
    },
  };
}

function recordChecks<T>(
  checks: Metric,
  tags: (check: string) => Tags,
  value: T,
  conditions: Readonly<Record<string, (value: T) => boolean>>,
): boolean {
  let all = true;
  for (const name in conditions) {
    const condition = conditions[name] as (value: T) => boolean;
    let ok = false;
    try {
      ok = condition(value);
    } catch {
      ok = false;
    }
    checks.add(ok ? 1 : 0, tags(name));
    all &&= ok;
  }
  return all;
}
