import { docker } from "../runtime/docker.ts";
import {
  type EpochSample,
  pollRounds,
  type ResourceSampler,
  type ResourceSource,
  toContainerResources,
} from "./resource-sampling.ts";

/** The raw counters we read from GET /containers/{id}/stats?stream=false (Engine API). */
export interface RawStats {
  read: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

export interface ContainerToSample {
  readonly container: string;
  readonly candidate?: string;
  readonly role?: string;
}

/**
 * One resource sample from two successive raw readings: CPU in cores over the interval (usage ns over wall
 * ns), memory without the reclaimable page cache (as `docker stats` shows it), network as the cumulative
 * byte counters of every interface (containers sharing a namespace report the same counters).
 */
export function resourceSample(previous: RawStats | undefined, current: RawStats, runStartMs: number) {
  const readMs = Date.parse(current.read);
  const usage = current.cpu_stats?.cpu_usage?.total_usage ?? 0;
  let cpuCores = 0;
  if (previous) {
    const wallNs = (readMs - Date.parse(previous.read)) * 1e6;
    const usedNs = usage - (previous.cpu_stats?.cpu_usage?.total_usage ?? 0);
    cpuCores = wallNs > 0 && usedNs >= 0 ? usedNs / wallNs : 0;
  }
  const memory = current.memory_stats ?? {};
  const cache = memory.stats?.total_inactive_file ?? memory.stats?.inactive_file ?? memory.stats?.cache ?? 0;
  let rxBytes = 0;
  let txBytes = 0;
  for (const net of Object.values(current.networks ?? {})) {
    rxBytes += net.rx_bytes ?? 0;
    txBytes += net.tx_bytes ?? 0;
  }
  return {
    t: Math.round((readMs - runStartMs) / 100) / 10,
    cpuCores,
    memoryBytes: Math.max(0, (memory.usage ?? 0) - cache),
    rxBytes,
    txBytes,
  };
}

/** The docker target's resource source: every container of the sandbox, read from the Engine's stats. */
export function dockerResourceSource(containers: readonly ContainerToSample[]): ResourceSource {
  return { start: (_log, intervalMs) => startResourceSampler(containers, intervalMs) };
}

/** Samples every container every `intervalMs` until stopped (each reading is one Engine API call, no CLI). */
export function startResourceSampler(
  containers: readonly ContainerToSample[],
  intervalMs = 2000,
): ResourceSampler {
  const series = containers.map((c) => ({
    ...c,
    previous: undefined as RawStats | undefined,
    samples: [] as EpochSample[],
  }));
  const rounds = pollRounds(
    () =>
      Promise.all(
        series.map(async (s) => {
          try {
            const raw = (await docker()
              .getContainer(s.container)
              .stats({ stream: false, "one-shot": true } as { stream: false })) as unknown as RawStats;
            if (s.previous) s.samples.push(resourceSample(s.previous, raw, 0));
            s.previous = raw;
          } catch {
            // a container that is gone or restarting gives no sample this round
          }
        }),
      ).then(() => undefined),
    intervalMs,
  );
  return {
    async stop(runStartMs) {
      await rounds.stop();
      const measured = await Promise.all(
        series.map(async (s) => ({
          container: s.container,
          candidate: s.candidate,
          role: s.role,
          ...(await limits(s.container)),
          samples: s.samples,
        })),
      );
      return toContainerResources(measured, runStartMs);
    },
  };
}

async function limits(
  container: string,
): Promise<{ cpuLimitCores: number | null; memoryLimitBytes: number | null }> {
  try {
    const host = (await docker().getContainer(container).inspect()).HostConfig;
    const cpu = host.NanoCpus
      ? host.NanoCpus / 1e9
      : host.CpuQuota && host.CpuPeriod
        ? host.CpuQuota / host.CpuPeriod
        : null;
    return { cpuLimitCores: cpu, memoryLimitBytes: host.Memory ? host.Memory : null };
  } catch {
    return { cpuLimitCores: null, memoryLimitBytes: null };
  }
}
