/**
 * The kubelet's Summary API (GET /api/v1/nodes/<node>/proxy/stats/summary) read as resource samples:
 * pure functions over the parsed JSON, so the kubernetes sampler stays a thin loop of reads.
 */
import type { EpochSample } from "./resource-sampling.ts";

/** The part of a Summary the sampler reads (k8s.io/kubelet/pkg/apis/stats/v1alpha1). */
export interface StatsSummary {
  readonly node?: { readonly nodeName?: string };
  readonly pods?: readonly {
    readonly podRef: { readonly name: string; readonly namespace: string; readonly uid?: string };
    readonly containers?: readonly {
      readonly name: string;
      readonly startTime?: string;
      readonly cpu?: {
        readonly time?: string;
        readonly usageNanoCores?: number;
        readonly usageCoreNanoSeconds?: number;
      };
      readonly memory?: { readonly time?: string; readonly workingSetBytes?: number };
    }[];
    readonly network?: { readonly rxBytes?: number; readonly txBytes?: number };
  }[];
}

/** One pod's main container as one Summary showed it. */
export interface PodReading {
  /** when the kubelet read the CPU counter, ms since the epoch. */
  readonly atMs: number;
  /** the container's start: a new one means it restarted (its counters began again). */
  readonly startedAt: string;
  readonly usageCoreNanoSeconds: number;
  /** the kubelet's own rate over its last interval, in nanocores (used across a restart). */
  readonly usageNanoCores: number;
  readonly workingSetBytes: number;
  readonly rxBytes: number;
  readonly txBytes: number;
  /** false when the Summary gave the pod no network counters (rx/tx then read 0). */
  readonly hasNetwork: boolean;
}

export interface PodToSample {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly node: string;
}

/** The pod's container in a node's Summary; undefined when the pod (or that container) is not there. */
export function podReading(summary: StatsSummary, pod: PodToSample): PodReading | undefined {
  const stats = summary.pods?.find((p) => p.podRef.namespace === pod.namespace && p.podRef.name === pod.pod);
  const container = stats?.containers?.find((c) => c.name === pod.container);
  const atMs = Date.parse(container?.cpu?.time ?? container?.memory?.time ?? "");
  if (!stats || !container || Number.isNaN(atMs)) return undefined;
  return {
    atMs,
    startedAt: container.startTime ?? "",
    usageCoreNanoSeconds: container.cpu?.usageCoreNanoSeconds ?? 0,
    usageNanoCores: container.cpu?.usageNanoCores ?? 0,
    workingSetBytes: container.memory?.workingSetBytes ?? 0,
    rxBytes: stats.network?.rxBytes ?? 0,
    txBytes: stats.network?.txBytes ?? 0,
    hasNetwork: stats.network?.rxBytes !== undefined || stats.network?.txBytes !== undefined,
  };
}

/**
 * One sample from two successive readings: CPU in cores over the interval (counter ns over wall ns), or
 * the kubelet's own rate when the container restarted in between (its counter began again) or the
 * kubelet had no newer reading; memory as the working set (what `docker stats` and the OOM killer count:
 * usage without the reclaimable page cache); network as the pod's cumulative counters (every container
 * of a pod shares its network namespace). `t` in seconds since the epoch.
 */
export function podSample(previous: PodReading, current: PodReading): EpochSample {
  const wallNs = (current.atMs - previous.atMs) * 1e6;
  const usedNs = current.usageCoreNanoSeconds - previous.usageCoreNanoSeconds;
  const sameContainer = current.startedAt === previous.startedAt && usedNs >= 0;
  const cpuCores = sameContainer && wallNs > 0 ? usedNs / wallNs : current.usageNanoCores / 1e9;
  return {
    t: Math.round(current.atMs / 100) / 10,
    cpuCores,
    memoryBytes: current.workingSetBytes,
    rxBytes: current.rxBytes,
    txBytes: current.txBytes,
  };
}

const MEMORY_SUFFIXES: Readonly<Record<string, number>> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes quantity as a number (`500m` = 0.5, `512Mi` = 536870912); null when absent or not one. */
export function quantity(value: string | undefined): number | null {
  const match = value?.trim().match(/^([0-9.]+)(m|[kMGT]i?|Ki)?$/);
  if (!match) return null;
  const number = Number(match[1]);
  const suffix = match[2] ?? "";
  const factor = suffix === "m" ? 1e-3 : MEMORY_SUFFIXES[suffix];
  return Number.isFinite(number) && factor !== undefined ? number * factor : null;
}
