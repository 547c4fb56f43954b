import { open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { setTimeout as sleep } from "node:timers/promises";
import { requestStop, type StopRequest } from "../../../loadtests/script/stop-file.ts";
import type { Logger } from "../util/log.ts";
import { type Accumulator, finish, type ReadState, SampleFileReader } from "./sample-reader.ts";
import { parseSelector } from "./selectors.ts";
import { judgeThreshold, type ThresholdSpec, thresholdSelectors } from "./thresholds.ts";

/** A threshold with k6's abortOnFail: judged during the run, once `delayAbortEvalS` of run time has passed. */
export interface AbortingThreshold extends ThresholdSpec {
  readonly delayAbortEvalS: number;
}

/** How often the CLI judges the aborting thresholds over what the runners have written (k6: every 2 s). */
export const ABORT_EVAL_MS = 1000;

/** Reads what a runner appended to its sample file since the last call: whole lines only. */
class SampleTail {
  private offset = 0;
  private rest = "";
  private readonly decoder = new StringDecoder("utf8");
  private readonly buffer = Buffer.alloc(1 << 20);

  constructor(
    private readonly path: string,
    readonly reader: SampleFileReader,
  ) {}

  async poll(): Promise<void> {
    const handle = await open(this.path, "r").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined; // the runner has not started yet
      throw error;
    });
    if (!handle) return;
    try {
      for (;;) {
        const { bytesRead } = await handle.read(this.buffer, 0, this.buffer.length, this.offset);
        if (bytesRead === 0) return;
        this.offset += bytesRead;
        const lines = (this.rest + this.decoder.write(this.buffer.subarray(0, bytesRead))).split("\n");
        this.rest = lines.pop() ?? "";
        for (const line of lines) this.reader.line(line);
      }
    } finally {
      await handle.close();
    }
  }
}

/**
 * Watches every runner's raw samples while they run and judges the thresholds marked abortOnFail over
 * what all of them have produced so far (the same exact merge as at the end, on the samples written yet;
 * runners flush theirs every second). The first one that fails once its delayAbortEval has passed stops
 * the run: the CLI writes the run's stop file, which every runner polls (loadtests/script/stop-file.ts).
 * As in k6, a metric with no sample yet is not judged during the run.
 */
export function watchAbortThresholds(args: {
  readonly dir: string;
  readonly runId: string;
  readonly samplePaths: readonly string[];
  readonly thresholds: readonly AbortingThreshold[];
  readonly log: Logger;
  readonly intervalMs?: number;
}): { done(): Promise<StopRequest | undefined> } {
  const state: ReadState = {
    accumulators: new Map<string, Accumulator>(),
    selectors: thresholdSelectors(args.thresholds),
    only: new Set(args.thresholds.map((t) => parseSelector(t.metric).metric)),
  };
  const tails = args.samplePaths.map(
    (path, runner) => new SampleTail(path, new SampleFileReader(path, runner, state)),
  );
  const judge = (): StopRequest | undefined => {
    const startAtMs = tails.find((t) => t.reader.header)?.reader.header?.startAtMs;
    if (startAtMs === undefined) return undefined;
    const elapsedS = (Date.now() - startAtMs) / 1000;
    for (const threshold of args.thresholds) {
      if (elapsedS < threshold.delayAbortEvalS) continue;
      const acc = state.accumulators.get(parseSelector(threshold.metric).key);
      if (!acc || acc.count === 0) continue;
      const result = judgeThreshold(threshold, finish(acc), elapsedS);
      if (!result.ok && result.observed !== null)
        return {
          metric: threshold.metric,
          expression: threshold.expression,
          observed: result.observed,
          atS: elapsedS,
        };
    }
    return undefined;
  };
  let finished = false;
  const loop = (async (): Promise<StopRequest | undefined> => {
    try {
      while (!finished) {
        await sleep(args.intervalMs ?? ABORT_EVAL_MS);
        for (const tail of tails) await tail.poll();
        const stop = judge();
        if (stop) {
          requestStop(args.dir, args.runId, stop);
          args.log.warn(
            `thresholds on metrics '${stop.metric}' were crossed at ${stop.atS.toFixed(1)}s (${stop.expression}, observed ${stop.observed}); abortOnFail: stopping the runners`,
          );
          return stop;
        }
      }
    } catch (error) {
      args.log.warn(
        `abortOnFail: watching the runners' samples failed, the run goes on: ${(error as Error).message}`,
      );
    }
    return undefined;
  })();
  return {
    done() {
      finished = true;
      return loop;
    },
  };
}
