import { existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * How runners learn that a threshold with abortOnFail failed: the coordinating CLI, which watches every
 * runner's samples while they run, writes the run's stop file into the folder the runners share (the run's
 * folder; bind-mounted into runner containers), and every runner polls for it.
 */
export interface StopRequest {
  readonly metric: string;
  readonly expression: string;
  readonly observed: number;
  /** seconds since the run's start at which the threshold was judged failed. */
  readonly atS: number;
}

export const stopFileOf = (dir: string, runId: string) => join(dir, `${runId}.stop.json`);

/** Asks every runner of the run to stop (written whole, then renamed: a runner never reads half of it). */
export function requestStop(dir: string, runId: string, request: StopRequest): void {
  const path = stopFileOf(dir, runId);
  writeFileSync(`${path}.tmp`, JSON.stringify(request));
  renameSync(`${path}.tmp`, path);
}

/** How often a runner looks for the stop file. */
export const STOP_POLL_MS = 200;

/** A signal that aborts when the run's stop file appears; `close()` ends the polling. */
export function watchStopFile(dir: string, runId: string): { signal: AbortSignal; close(): void } {
  const controller = new AbortController();
  const path = stopFileOf(dir, runId);
  const timer = setInterval(() => {
    if (!existsSync(path)) return;
    clearInterval(timer);
    controller.abort(new Error(`stopped by the run's stop file ${path}`));
  }, STOP_POLL_MS);
  timer.unref();
  return { signal: controller.signal, close: () => clearInterval(timer) };
}
