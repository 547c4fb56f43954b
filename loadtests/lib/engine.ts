import { monitorEventLoopDelay } from "node:perf_hooks";
import { HttpClient } from "./http.ts";
import type { HostAllowList } from "./interlock.ts";
import { type Metric, MetricRegistry, type MetricSummary } from "./metrics.ts";
import type { SampleSink, Tags } from "./samples.ts";
import {
  type ExecutionSegment,
  formatSegment,
  maxTarget,
  type Stage,
  segmentVus,
  totalDurationS,
  vuIntervals,
} from "./schedule.ts";
import { hash32, isAborted, seededRandom, sleep } from "./sleep.ts";

export const ENGINE = { name: "esb-load", version: "1.0.0" } as const;

/** What a scenario's iteration sees: one virtual learner, alive for a bounded time. */
export interface VuContext {
  readonly scenario: string;
  /** global VU index (the same on every runner layout). */
  readonly vu: number;
  iteration: number;
  /** aborts when the VU's lifetime ends (its stop time plus the graceful period). */
  readonly signal: AbortSignal;
  /** true once the VU should wrap up (ramped down or the plan ended): finish, do not start new work. */
  stopping(): boolean;
  readonly http: HttpClient;
  readonly metrics: MetricRegistry;
  readonly tags: Tags;
  /** deterministic per run id, scenario and VU. */
  readonly random: () => number;
  sleep(ms: number): Promise<void>;
  /** records each named condition in the `checks` rate; true when all pass. */
  check<T>(value: T, conditions: Readonly<Record<string, (value: T) => boolean>>): boolean;
  /** ms since the run started (the shared clock of every runner). */
  now(): number;
}

export interface Scenario {
  readonly name: string;
  readonly stages: readonly Stage[];
  readonly startVus?: number;
  /** time a ramped-down VU gets to finish its iteration before it is aborted. */
  readonly gracefulRampDownS: number;
  /** time every VU gets after the last stage before it is aborted. */
  readonly gracefulStopS: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly httpTimeoutMs?: number;
  /** false when this scenario's VUs are the same people as another's (a learner's video): left out of `learners_active`. */
  readonly countsAsLearners?: boolean;
  iteration(vu: VuContext): Promise<void>;
}

export interface EngineOptions {
  readonly runId: string;
  readonly segment: ExecutionSegment;
  /** epoch ms every runner starts at (so their sample clocks line up); now when left out. */
  readonly startAtMs?: number;
  readonly scenarios: readonly Scenario[];
  readonly sink: SampleSink;
  /** the hosts every VU may reach (the network interlock). */
  readonly allow: HostAllowList;
  readonly onError?: (scenario: string, vu: number, error: unknown) => void;
  /** a hard wall: aborts every VU at once (whatever the plan says) when it fires. */
  readonly wall?: AbortSignal;
}

export interface EngineSummary {
  readonly runId: string;
  readonly segment: string;
  readonly startAtMs: number;
  readonly elapsedS: number;
  readonly vus: number;
  readonly samples: number;
  /** the runner's own load: CPU in cores over the run (one core is a saturated event loop) and event-loop delay. */
  readonly runner: {
    readonly cpuCores: number;
    readonly eventLoopDelayP99Ms: number;
    readonly maxRssBytes: number;
  };
  readonly metrics: Record<string, MetricSummary>;
}

/**
 * Old-generation ballast: 32 MB of doubles (V8 keeps them unboxed in one array the collector never scans).
 * Every HTTP read is a new ArrayBuffer, and V8 counts those bytes against the old generation's headroom; with
 * the engine's small heap (~9 MB) a video stream used that headroom up in ~50 ms and the runner spent its time
 * in full GCs (200 in 8 s, 1.5x the CPU per request of a bare script). Profiled fix: a larger old generation,
 * as `--initial-old-space-size` would give, but from inside the process.
 */
const BALLAST_DOUBLES = 4 * 1024 * 1024;

/** Runs this runner's share (its execution segment) of every scenario, then closes the sink. */
export async function runEngine(options: EngineOptions): Promise<EngineSummary> {
  const ballast: number[] = new Array(BALLAST_DOUBLES).fill(0.5);
  const startAtMs = options.startAtMs ?? Date.now();
  const waitMs = startAtMs - Date.now();
  if (waitMs > 0) await sleep(waitMs);
  const origin = performance.now() - (Date.now() - startAtMs);
  const cpuStart = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 20 });
  loopDelay.enable();
  const clock = () => performance.now() - origin;
  const registry = new MetricRegistry(options.sink, clock);
  const state = { active: 0, learners: 0 };
  const vusGauge = registry.gauge("vus");
  const learnersGauge = registry.gauge("learners_active");
  const sampleGauges = () => {
    vusGauge.add(state.active, {});
    learnersGauge.add(state.learners, {});
  };
  const gaugeTimer = setInterval(sampleGauges, 1000);
  const tasks: Promise<void>[] = [];
  let vus = 0;
  for (const scenario of options.scenarios) {
    const owned = segmentVus(options.segment, maxTarget(scenario.stages, scenario.startVus));
    vus += owned.length;
    for (const vu of owned) tasks.push(runVu(scenario, vu, { ...options, registry, clock, state }));
  }
  sampleGauges();
  await Promise.all(tasks);
  ballast.length = 0;
  clearInterval(gaugeTimer);
  sampleGauges();
  const endMs = clock();
  loopDelay.disable();
  const cpu = process.cpuUsage(cpuStart);
  await options.sink.close(endMs);
  return {
    runId: options.runId,
    segment: formatSegment(options.segment),
    startAtMs,
    elapsedS: endMs / 1000,
    vus,
    samples: options.sink.count,
    runner: {
      cpuCores: endMs > 0 ? (cpu.user + cpu.system) / 1000 / endMs : 0,
      eventLoopDelayP99Ms: loopDelay.count ? loopDelay.percentile(99) / 1e6 : 0,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    },
    metrics: registry.summaries(endMs / 1000),
  };
}

interface RunShared extends EngineOptions {
  readonly registry: MetricRegistry;
  readonly clock: () => number;
  readonly state: { active: number; learners: number };
}

async function runVu(scenario: Scenario, vu: number, shared: RunShared): Promise<void> {
  const planEndS = totalDurationS(scenario.stages);
  const tags: Tags = Object.freeze({ scenario: scenario.name });
  const checkTagCache = new Map<string, Tags>();
  const checkTags = (name: string) => {
    let t = checkTagCache.get(name);
    if (!t) {
      t = Object.freeze({ ...tags, check: name });
      checkTagCache.set(name, t);
    }
    return t;
  };
  const metrics = {
    iterations: shared.registry.counter("iterations"),
    duration: shared.registry.trend("iteration_duration"),
    checks: shared.registry.rate("checks"),
  };
  for (const interval of vuIntervals(scenario.stages, vu, scenario.startVus)) {
    if (shared.wall?.aborted) return;
    const untilStart = interval.startS * 1000 - shared.clock();
    if (
      untilStart > 0 &&
      !(await sleep(untilStart, shared.wall).then(
        () => true,
        () => false,
      ))
    )
      return;
    const lifetime = new AbortController();
    const onWall = () => lifetime.abort();
    shared.wall?.addEventListener("abort", onWall, { once: true });
    const graceS = interval.stopS >= planEndS ? scenario.gracefulStopS : scenario.gracefulRampDownS;
    const stopAtMs = interval.stopS * 1000;
    const killTimer = setTimeout(
      () => lifetime.abort(),
      Math.max(0, stopAtMs + graceS * 1000 - shared.clock()),
    );
    const http = new HttpClient(shared.registry, tags, lifetime.signal, {
      allow: shared.allow,
      ...(scenario.headers ? { headers: scenario.headers } : {}),
      ...(scenario.httpTimeoutMs ? { timeoutMs: scenario.httpTimeoutMs } : {}),
    });
    const ctx: VuContext = {
      scenario: scenario.name,
      vu,
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
    try {
      while (!ctx.stopping() && !lifetime.signal.aborted) {
        const started = shared.clock();
        try {
          await scenario.iteration(ctx);
          metrics.iterations.add(1, tags);
          metrics.duration.add(shared.clock() - started, tags);
        } catch (error) {
          if (isAborted(error)) break;
          shared.registry.counter("iteration_errors").add(1, tags);
          shared.onError?.(scenario.name, vu, error);
          // A failing iteration must not spin: wait a second (or until the lifetime ends) before retrying.
          await sleep(1000, lifetime.signal).catch(() => undefined);
        }
        ctx.iteration++;
      }
    } finally {
      shared.state.active--;
      shared.state.learners -= learner;
      clearTimeout(killTimer);
      shared.wall?.removeEventListener("abort", onWall);
      lifetime.abort();
      http.close();
    }
  }
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
