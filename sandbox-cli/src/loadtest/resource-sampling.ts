import type { Logger } from "../util/log.ts";
import type { ContainerResources } from "./result-schema.ts";

/** One sample while collecting: `t` in seconds since the epoch (made relative to the run's start at stop). */
export type EpochSample = ContainerResources["samples"][number];

/** One sampled container (docker) or pod's main container (kubernetes) and what was measured of it. */
export interface SampledSeries {
  readonly container: string;
  readonly candidate?: string | undefined;
  readonly role?: string | undefined;
  cpuLimitCores: number | null;
  memoryLimitBytes: number | null;
  readonly samples: EpochSample[];
}

export interface ResourceSampler {
  /** stops sampling; sample times become seconds since `runStartMs` (known only once runners started). */
  stop(runStartMs: number): Promise<ContainerResources[]>;
}

/**
 * How a target measures the sandbox's containers during a load run: the docker target reads the Engine's
 * stats, the kubernetes target the kubelets' Summary API. The view hands the run its target's source.
 */
export interface ResourceSource {
  start(log: Logger, intervalMs?: number): ResourceSampler;
}

/** A source with nothing to sample (runners against a URL, no sandbox). */
export const noResources: ResourceSource = {
  start: () => ({ stop: async () => [] }),
};

/** The series as the result's entries: sample times relative to the run's start, none from before it. */
export function toContainerResources(
  series: readonly SampledSeries[],
  runStartMs: number,
): ContainerResources[] {
  const startS = runStartMs / 1000;
  return series.map((s) => ({
    container: s.container,
    ...(s.candidate ? { candidate: s.candidate } : {}),
    ...(s.role ? { role: s.role } : {}),
    cpuLimitCores: s.cpuLimitCores,
    memoryLimitBytes: s.memoryLimitBytes,
    samples: s.samples
      .map((sample) => ({ ...sample, t: Math.round((sample.t - startS) * 10) / 10 }))
      .filter((sample) => sample.t >= 0),
  }));
}

/**
 * Runs `round` now and every `intervalMs` until stopped, then once more: the loop both samplers share
 * (a round never throws; what it cannot read gives no sample that round).
 */
export function pollRounds(round: () => Promise<void>, intervalMs: number): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const loop = (async () => {
    await round();
    while (!stopped) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
      if (!stopped) await round();
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await loop;
      await round();
    },
  };
}
