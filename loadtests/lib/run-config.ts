import { setMaxListeners } from "node:events";
import { hlsViewerScenario } from "../scenarios/hls-viewer/viewer.ts";
import { learnerJourneyScenario } from "../scenarios/learner-journey/journey.ts";
import { coordinationDirOf, scriptParts } from "../script/run-script.ts";
import { watchStopFile } from "../script/stop-file.ts";
import type { RunnerConfig } from "./config.ts";
import { ENGINE, type EngineSummary, runEngine, type Scenario } from "./engine.ts";
import { HostAllowList } from "./interlock.ts";
import { NdjsonSampleWriter, type SampleSink } from "./samples.ts";
import { parseSegment } from "./schedule.ts";

/** The scenarios a runner config asks for, bound to its plan. */
export function scenariosOf(config: RunnerConfig): Scenario[] {
  const scenarios: Scenario[] = [];
  const headers = { ...config.headers, "x-load-run": config.runId };
  const httpTimeoutMs = config.httpTimeoutS * 1000;
  const hls = config.scenarios["hls-viewer"];
  if (hls) {
    const { stages, gracefulRampDownS, gracefulStopS, countsAsLearners, ...options } = hls;
    const plan = { stages, gracefulRampDownS, gracefulStopS, headers };
    scenarios.push({ ...hlsViewerScenario(options, plan), httpTimeoutMs, countsAsLearners });
  }
  const journey = config.scenarios["learner-journey"];
  if (journey) {
    const { stages, gracefulRampDownS, gracefulStopS, countsAsLearners, ...options } = journey;
    const plan = { stages, gracefulRampDownS, gracefulStopS, headers };
    scenarios.push({ ...learnerJourneyScenario(options, plan), httpTimeoutMs, countsAsLearners });
  }
  return scenarios;
}

/** The interlock of a run: the origins of its scenarios' base URLs plus the hosts the user allowed. */
export function allowListOf(config: RunnerConfig): HostAllowList {
  const bases = [
    config.scenarios["hls-viewer"]?.mediaBaseUrl,
    config.scenarios["learner-journey"]?.lmsBaseUrl,
  ].filter((url): url is string => url !== undefined);
  return HostAllowList.ofUrls(bases, config.allowHosts);
}

/** Runs one runner's share of the plan, writing raw samples to config.samplesPath; bounded by maxRunS. */
export async function runFromConfig(
  config: RunnerConfig,
  onError?: (scenario: string, vu: number, error: unknown) => void,
): Promise<EngineSummary> {
  const segment = parseSegment(config.segment);
  const startAtMs = config.startAtMs ?? Date.now();
  const sink: SampleSink = new NdjsonSampleWriter(config.samplesPath, {
    runId: config.runId,
    segment: config.segment,
    startAtMs,
    engine: { ...ENGINE },
  });
  const script = config.script
    ? scriptParts(config.script, { runId: config.runId, dir: coordinationDirOf(config.samplesPath), segment })
    : undefined;
  const scenarios = script ? script.scenarios : scenariosOf(config);
  const wall = AbortSignal.timeout(Math.max(0, startAtMs - Date.now()) + config.maxRunS * 1000);
  // every VU listens on the wall: thousands of listeners are expected, not a leak
  setMaxListeners(0, wall);
  const stop = config.script?.abortable
    ? watchStopFile(coordinationDirOf(config.samplesPath), config.runId)
    : undefined;
  try {
    return await runEngine({
      runId: config.runId,
      segment,
      startAtMs,
      scenarios,
      sink,
      allow: allowListOf(config),
      ...(script ? { setup: script.setup, teardown: script.teardown } : {}),
      wall,
      ...(stop ? { stop: stop.signal } : {}),
      ...(onError ? { onError } : {}),
    });
  } finally {
    stop?.close();
  }
}
