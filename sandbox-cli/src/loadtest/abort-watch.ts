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

/**
 * Reads what a runner appended to its sample file since the last call (whole lines only), and hands the
 * reader only what is not later than the watermark: runners flush at different moments, and judging one
 * runner's newer samples without the others' would be a different mix of runners than the end's merge.
 */
class SampleTail {
  private offset = 0;
  private rest = "";
  private readonly decoder = new StringDecoder("utf8");
  private readonly buffer = Buffer.alloc(1 << 20);
  private held: string[] = [];
  /** the run-clock time of the latest sample read (a runner writes its gauges every second). */
  lastT = -1;

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
        for (const line of lines) {
          if (line.charCodeAt(0) === 91 /* [ */) this.lastT = Number(line.slice(1, line.indexOf(",")));
          else if (line.startsWith('{"k":"end"')) this.lastT = Number.POSITIVE_INFINITY; // holds back no one
          this.held.push(line);
        }
      }
    } finally {
      await handle.close();
    }
  }

  /** Feeds the reader every held line up to the first sample later than `watermark`. */
  feed(watermark: number): void {
    let i = 0;
    for (; i < this.held.length; i++) {
      const line = this.held[i] as string;
      if (line.charCodeAt(0) === 91 && Number(line.slice(1, line.indexOf(","))) > watermark) break;
      this.reader.line(line);
    }
    this.held = this.held.slice(i);
  }
}

/**
 * Watches every runner's raw samples while they run and judges the thresholds marked abortOnFail over
 * what all of them have produced so far: the same exact merge as at the end, over every sample up to the
 * latest instant that every runner has written (runners flush theirs every second). The first one that fails once its delayAbortEval has passed stops
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
  /** judges what every runner has written up to `watermarkMs` on the run's clock. */
  const judge = (watermarkMs: number): StopRequest | undefined => {
    const elapsedS = watermarkMs / 1000;
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
        const watermark = Math.min(...tails.map((t) => t.lastT));
        // a runner has written no sample yet, or every runner has ended (the end's merge judges the rest)
        if (watermark < 0 || !Number.isFinite(watermark)) continue;
        for (const tail of tails) tail.feed(watermark);
        const stop = judge(watermark);
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
