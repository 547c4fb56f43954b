import type { V1Pod } from "@kubernetes/client-node";
import type { PlannedCandidate } from "../../../stacks/catalog/index.ts";
import { podGroups } from "../../../stacks/kubernetes/candidate-manifests.ts";
import { isPodReady, podsOfInstance } from "./pod-readiness.ts";
import type { CandidateRecord } from "./registry.ts";

/** A Service's name in cluster DNS, as pods of the namespace (the runner Jobs) reach it. */
export const serviceHost = (service: string, namespace: string) => `${service}.${namespace}.svc`;

export const inClusterUrl = (service: string, namespace: string, port: number) =>
  `http://${serviceHost(service, namespace)}:${port}`;

/**
 * Pure: what `status` shows of each candidate of a kubernetes sandbox: one instance per pod group (its
 * Deployment or StatefulSet, reached by the Service of the same name), the in-cluster URL of each
 * exposed port, and its pod among `pods` (a Ready one first; before there is any, the workload's name).
 */
export function describeKubernetesCandidates(
  candidates: readonly PlannedCandidate[],
  namespace: string,
  pods: readonly V1Pod[] = [],
): CandidateRecord[] {
  return candidates.map((candidate) => {
    const app = candidate.instances.find((instance) => instance.role === "app");
    const exposed = (app?.ports ?? []).filter((port) => port.expose);
    const urls = Object.fromEntries(
      exposed.map((port) => [port.name, inClusterUrl(app?.name ?? candidate.name, namespace, port.port)]),
    );
    const first = exposed[0];
    return {
      name: candidate.name,
      catalogId: candidate.catalogId,
      kind: candidate.kind,
      title: candidate.title,
      ...(first ? { url: urls[first.name] } : {}),
      urls,
      instances: podGroups(candidate).map((group) => {
        const own = podsOfInstance(pods, group.main.name);
        const names = [...own.filter(isPodReady), ...own.filter((pod) => !isPodReady(pod))].map(
          (pod) => pod.metadata?.name ?? "",
        );
        return {
          instance: group.main.name,
          role: group.main.role,
          container: `${namespace}/${names[0] ?? group.main.name}`,
          hostname: serviceHost(group.main.name, namespace),
          catalogId: group.main.catalogId,
        };
      }),
    };
  });
}
