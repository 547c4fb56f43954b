import { setMaxListeners } from "node:events";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { maxVusOf, runScenario } from "./executors.ts";
import type { HttpClient } from "./http.ts";
import type { HostAllowList } from "./interlock.ts";
import { MetricRegistry, type MetricSummary } from "./metrics.ts";
import type { SampleSink, Tags } from "./samples.ts";
import { type ExecutionSegment, formatSegment, type Stage, segmentVus } from "./schedule.ts";
import { sleep } from "./sleep.ts";

export const ENGINE = { name: "esb-load", version: "1.0.0" } as const;

/** What a scenario's iteration sees: one virtual learner, alive for a bounded time. */
export interface VuContext {
  readonly scenario: string;
  /** the VU's index in its scenario (the same on every runner layout). */
  readonly vu: number;
  /** the VU's id in the whole test, 1-based (k6's __VU). */
  readonly idInTest: number;
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

/** How a scenario starts its iterations (k6's executors; constant-vus and constant-arrival-rate are special cases). */
export type Executor =
  | {
      readonly type: "ramping-vus";
      readonly stages: readonly Stage[];
      readonly startVus?: number;
      /** time a ramped-down VU gets to finish its iteration before it is aborted. */
      readonly gracefulRampDownS: number;
    }
  | {
      readonly type: "per-vu-iterations" | "shared-iterations";
      readonly vus: number;
      readonly iterations: number;
      readonly maxDurationS: number;
    }
  | {
      readonly type: "arrival-rate";
      readonly startRate: number;
      readonly timeUnitS: number;
      readonly stages: readonly Stage[];
      readonly preAllocatedVus: number;
      readonly maxVus: number;
    };

export interface Scenario {
  readonly name: string;
  readonly executor: Executor;
  /** seconds after the run's start at which this scenario begins. */
  readonly startTimeS?: number;
  /** time every VU gets after the scenario's end before it is aborted. */
  readonly gracefulStopS: number;
  /** tags on every sample of this scenario (besides `scenario`). */
  readonly tags?: Tags;
  /** added to the scenario's VU index for the VU's id in the whole test (k6's __VU, less one). */
  readonly vuIdOffset?: number;
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
  /** runs before every scenario (a script's setup); resolves to the run-clock ms the scenarios start at. */
  readonly setup?: (shared: RunShared) => Promise<number>;
  /** runs after every scenario (a script's teardown). */
  readonly teardown?: (shared: RunShared) => Promise<void>;
  /** a hard wall: aborts every VU at once (whatever the plan says) when it fires. */
  readonly wall?: AbortSignal;
  /**
   * stops the run early (a threshold with abortOnFail failed): every VU is aborted at once and no iteration
   * starts, as with the wall, but teardown still runs (k6 does the same).
   */
  readonly stop?: AbortSignal;
}

export interface EngineSummary {
  readonly runId: string;
  readonly segment: string;
  readonly startAtMs: number;
  readonly elapsedS: number;
  readonly vus: number;
  readonly samples: number;
  /** true when the run was stopped early by its stop signal. */
  readonly stopped: boolean;
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
    // whoever watches the samples during the run (abortOnFail) sees them within a second
    options.sink.flush?.();
  };
  const gaugeTimer = setInterval(sampleGauges, 1000);
  const prepared: RunShared = { ...options, registry, clock, state, originMs: 0 };
  sampleGauges();
  const shared = { ...prepared, originMs: options.setup ? await options.setup(prepared) : 0 };
  let vus = 0;
  const scenarioWall = eitherSignal(options.wall, options.stop);
  const tasks = options.scenarios.map((scenario) => {
    vus += segmentVus(options.segment, maxVusOf(scenario.executor)).length;
    return runScenario(scenario, { ...shared, ...(scenarioWall ? { wall: scenarioWall } : {}) });
  });
  await Promise.all(tasks);
  if (options.teardown) await options.teardown(shared);
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
    stopped: Boolean(options.stop?.aborted),
    runner: {
      cpuCores: endMs > 0 ? (cpu.user + cpu.system) / 1000 / endMs : 0,
      eventLoopDelayP99Ms: loopDelay.count ? loopDelay.percentile(99) / 1e6 : 0,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    },
    metrics: registry.summaries(endMs / 1000),
  };
}

/** A signal that aborts when either does (AbortSignal.any is not in the runner image's Node 18). */
function eitherSignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a || !b) return a ?? b;
  const both = new AbortController();
  setMaxListeners(0, both.signal);
  const abort = () => both.abort();
  if (a.aborted || b.aborted) abort();
  a.addEventListener("abort", abort, { once: true });
  b.addEventListener("abort", abort, { once: true });
  return both.signal;
}

/** What every VU of a run shares: the options, the metric registry, the run's clock and the active counts. */
export interface RunShared extends EngineOptions {
  readonly registry: MetricRegistry;
  readonly clock: () => number;
  readonly state: { active: number; learners: number };
  /** run-clock ms at which scenarios start (after a script's setup). */
  readonly originMs: number;
}
