/** `sandbox status` of a kubernetes sandbox: the record's candidates with their live pods. */
import type { V1Pod } from "@kubernetes/client-node";
import { kubeAt } from "../runtime/kube.ts";
import { listSandboxPods } from "./kubernetes-pods.ts";
import { instanceState, podsOfInstance } from "./pod-readiness.ts";
import type { SandboxRecord } from "./registry.ts";
import { type CandidateStatus, type SandboxStatus, summarize } from "./status.ts";

/**
 * Pure: the status from the record and the pods the API server listed (undefined when it could not be
 * asked: `unreachable` says why). Healthy: the record says up and every instance's pods are all Ready.
 */
export function kubernetesStatusOf(
  record: SandboxRecord,
  pods: readonly V1Pod[] | undefined,
  now: Date,
  unreachable?: string,
): SandboxStatus {
  const candidates: CandidateStatus[] = record.candidates.map((candidate) => ({
    ...candidate,
    instances: candidate.instances.map((instance) => {
      if (!pods) return { ...instance, state: "unknown", health: unreachable ?? "API server not asked" };
      const live = instanceState(podsOfInstance(pods, instance.instance));
      const first = live.pods.find((p) => p.ready) ?? live.pods[0];
      return {
        ...instance,
        ...(first && record.kubernetes ? { container: `${record.kubernetes.namespace}/${first.name}` } : {}),
        state: live.state,
        health: live.health,
        pods: live.pods,
      };
    }),
  }));
  const instances = candidates.flatMap((c) => c.instances);
  const healthy =
    record.state === "up" &&
    pods !== undefined &&
    instances.length > 0 &&
    instances.every((i) => i.health === "ready");
  const { candidates: _count, ...summary } = summarize(record, now);
  return {
    ...summary,
    specPath: record.specPath,
    ...(record.kubernetes ? { kubernetes: record.kubernetes } : {}),
    candidates,
    healthy,
  };
}

export async function kubernetesSandboxStatus(record: SandboxRecord, now: Date): Promise<SandboxStatus> {
  if (!record.kubernetes)
    return kubernetesStatusOf(record, undefined, now, "the record names no cluster (run `sandbox up` again)");
  try {
    const kube = kubeAt(record.kubernetes);
    const pods = await listSandboxPods(kube, record.kubernetes.namespace, record.name);
    return kubernetesStatusOf(record, pods, now);
  } catch (error) {
    return kubernetesStatusOf(record, undefined, now, `API server: ${(error as Error).message}`);
  }
}
