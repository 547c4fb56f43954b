/**
 * The kubernetes target's resource source: each node's kubelet Summary, read through the API server
 * (nodes/proxy) every few seconds, for the sandbox's pods; the conversion is kubelet-summary.ts.
 */
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { MAIN_CONTAINER } from "../../../stacks/kubernetes/candidate-manifests.ts";
import type { SandboxStatus } from "../engine/status.ts";
import type { KubeClient } from "../k8s-tier/kube-client.ts";
import { kubeClientFor } from "../k8s-tier/kubeconfig-client.ts";
import type { Logger } from "../util/log.ts";
import {
  type PodReading,
  type PodToSample,
  podReading,
  podSample,
  quantity,
  type StatsSummary,
} from "./kubelet-summary.ts";
import {
  pollRounds,
  type ResourceSource,
  type SampledSeries,
  toContainerResources,
} from "./resource-sampling.ts";

export interface SampledPod {
  readonly pod: PodToSample;
  readonly series: SampledSeries;
}

/**
 * The sandbox's running candidate pods (one entry per pod's main container), labelled with their
 * candidate and role from the sandbox's status, limits from the pod spec. Jobs' pods are left out.
 */
export function podsToSample(pods: readonly V1Pod[], status: SandboxStatus): SampledPod[] {
  const out: SampledPod[] = [];
  for (const pod of pods) {
    const instance = pod.metadata?.labels?.["app.kubernetes.io/instance"];
    const owner = status.candidates.find((c) => c.instances.some((i) => i.instance === instance));
    const main = pod.spec?.containers.find((c) => c.name === MAIN_CONTAINER) ?? pod.spec?.containers[0];
    const node = pod.spec?.nodeName;
    if (!instance || !owner || !main || !node || pod.status?.phase !== "Running") continue;
    const namespace = pod.metadata?.namespace ?? "";
    const name = pod.metadata?.name ?? "";
    out.push({
      pod: { namespace, pod: name, container: main.name, node },
      series: {
        container: `${namespace}/${name}`,
        candidate: owner.name,
        role: owner.instances.find((i) => i.instance === instance)?.role,
        cpuLimitCores: quantity(main.resources?.limits?.cpu),
        memoryLimitBytes: quantity(main.resources?.limits?.memory),
        samples: [],
      },
    });
  }
  return out;
}

/** The permission a refused nodes/proxy read lacks. */
const PERMISSION = 'get on "nodes/proxy" (cluster scope)';

/** One node's Summary: the parsed JSON, "forbidden" (401/403), or undefined (any other failure). */
export type SummaryRead = (node: string) => Promise<StatsSummary | "forbidden" | undefined>;

/** Reads a node's Summary through the API server (nodes/proxy), as the kubeconfig's user. */
export function summaryReader(config: KubeConfig): SummaryRead {
  let client: Promise<KubeClient> | undefined;
  return async (node) => {
    try {
      client ??= kubeClientFor(config);
      const path = `/api/v1/nodes/${encodeURIComponent(node)}/proxy/stats/summary`;
      const res = await (await client).request("GET", path);
      if (res.status === 401 || res.status === 403) return "forbidden";
      return res.status === 200 ? (res.body as StatsSummary) : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * Reads every node that holds one of the pods each round (one request a node) and turns two
 * successive readings of a pod into a sample. A refused read (RBAC) ends sampling with one warning:
 * the run goes on without resource figures.
 */
export function kubernetesResourceSource(
  readSummary: SummaryRead,
  pods: readonly SampledPod[],
): ResourceSource {
  return {
    start(log: Logger, intervalMs = 2000) {
      const series = pods.map((p) => ({ ...p.series, samples: [] as SampledSeries["samples"] }));
      const previous: (PodReading | undefined)[] = pods.map(() => undefined);
      const nodes = [...new Set(pods.map((p) => p.pod.node))];
      let refused = false;
      let noNetworkSaid = false;
      const noNetwork = (reading: PodReading, sampled: SampledPod) => {
        if (reading.hasNetwork || noNetworkSaid) return;
        noNetworkSaid = true;
        log.warn(
          `the kubelet on node ${sampled.pod.node} reports no network counters for pod ${sampled.pod.namespace}/${sampled.pod.pod} (its stats provider gives none for pods): network figures read 0 on kubernetes for this run; CPU and memory are measured`,
        );
      };
      const round = async () => {
        if (refused || pods.length === 0) return;
        const summaries = new Map(
          await Promise.all(nodes.map(async (node) => [node, await readSummary(node)] as const)),
        );
        if ([...summaries.values()].includes("forbidden")) {
          refused = true;
          log.warn(
            `no resource figures for this run: the API server refused to read the kubelet's stats (GET /api/v1/nodes/<node>/proxy/stats/summary); the kubeconfig's user needs ${PERMISSION}`,
          );
          return;
        }
        pods.forEach((sampled, index) => {
          const summary = summaries.get(sampled.pod.node);
          const reading = summary && summary !== "forbidden" ? podReading(summary, sampled.pod) : undefined;
          const before = previous[index];
          // a pod gone (or a node not answering) gives no sample this round; nor does an unchanged reading
          if (!reading || (before && reading.atMs <= before.atMs)) return;
          noNetwork(reading, sampled);
          if (before) series[index]?.samples.push(podSample(before, reading));
          previous[index] = reading;
        });
      };
      const rounds = pollRounds(() => round().catch(() => undefined), intervalMs);
      return {
        async stop(runStartMs) {
          await rounds.stop();
          return refused ? [] : toContainerResources(series, runStartMs);
        },
      };
    },
  };
}
