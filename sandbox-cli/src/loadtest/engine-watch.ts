import type { Readable } from "node:stream";
import { infrastructureError } from "../errors.ts";
import { docker, dockerSocketPath } from "../runtime/docker.ts";
import type { Logger } from "../util/log.ts";
import type { ResourceSource } from "./resource-sampling.ts";
import type { ContainerResources } from "./result-schema.ts";
import type { RunnerOutputs } from "./runners.ts";

/** When the Docker Engine went away during a run (its event stream broke), ms since the epoch. */
export interface EngineLoss {
  readonly lostAtMs: number;
  readonly reason: string;
}

export interface EngineWatch {
  /** stops watching; the loss seen while watching, if any. */
  stop(): EngineLoss | undefined;
}

/**
 * Holds the Engine's event stream open for the length of a run. A daemon that stops or restarts ends
 * that stream (it stops every container with it), which a restart policy or a short sampling gap would
 * otherwise hide: the run then measured the daemon, not the candidates.
 */
export async function watchEngine(): Promise<EngineWatch> {
  let loss: EngineLoss | undefined;
  let stopping = false;
  const lost = (reason: string) => {
    if (!stopping && !loss) loss = { lostAtMs: Date.now(), reason };
  };
  let stream: Readable | undefined;
  try {
    stream = (await docker().getEvents({ filters: { type: ["container"] } })) as unknown as Readable;
    stream.on("data", () => undefined);
    stream.on("error", (error: Error) => lost(error.message));
    stream.on("end", () => lost("the event stream ended"));
    stream.on("close", () => lost("the event stream closed"));
  } catch (error) {
    lost((error as Error).message);
  }
  return {
    stop() {
      stopping = true;
      stream?.destroy();
      return loss;
    },
  };
}

/** The run's error when the Engine went away during it (exit 4): its samples are kept, it has no result. */
export function engineLostError(loss: EngineLoss, runStartMs: number, outDir: string) {
  const atS = Math.max(0, Math.round((loss.lostAtMs - runStartMs) / 100) / 10);
  return infrastructureError(
    "LOAD_DOCKER_ENGINE_LOST",
    `the Docker Engine on ${dockerSocketPath()} went away ${atS}s into the load run (${loss.reason}): it stopped the sandbox's containers, so this run measured the daemon, not the candidates (raw samples kept in ${outDir}, no result written)`,
    "check the daemon (`sandbox doctor`), run `sandbox up` again to converge the sandbox, then run the load test again",
  );
}

/**
 * The runners with the resource sampler and, on the docker target, the Engine watch around them: a daemon
 * that went away during the run fails it (exit 4) whatever the runners said.
 */
export async function runWatched(
  work: () => Promise<RunnerOutputs>,
  around: { resources: ResourceSource; watchDocker: boolean; outDir: string; log: Logger },
): Promise<{ outputs: RunnerOutputs; resources: ContainerResources[] }> {
  const sampler = around.resources.start(around.log);
  const engine = around.watchDocker ? await watchEngine() : undefined;
  let outputs: RunnerOutputs | undefined;
  let failure: unknown;
  try {
    outputs = await work();
  } catch (error) {
    failure = error;
  }
  const resources = await sampler.stop(outputs?.startAtMs ?? Date.now());
  const loss = engine?.stop();
  if (loss) throw engineLostError(loss, outputs?.startAtMs ?? loss.lostAtMs, around.outDir);
  if (!outputs) throw failure;
  return { outputs, resources };
}
