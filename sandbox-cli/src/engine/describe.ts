import type { PlannedCandidate } from "../../../stacks/catalog/index.ts";
import type { DockerObjectsPlan } from "../../../stacks/docker/plan.ts";
import type { CandidateRecord } from "./registry.ts";

/** Pure: what `status` shows of each candidate (roles, containers, internal hostnames, loopback URLs). */
export function describeCandidates(
  candidates: readonly PlannedCandidate[],
  plan: DockerObjectsPlan,
): CandidateRecord[] {
  return candidates.map((candidate) => {
    const endpoints = plan.endpoints.filter((endpoint) => endpoint.candidate === candidate.name);
    return {
      name: candidate.name,
      catalogId: candidate.catalogId,
      kind: candidate.kind,
      title: candidate.title,
      ...(endpoints[0] ? { url: endpoints[0].url } : {}),
      urls: Object.fromEntries(endpoints.map((endpoint) => [endpoint.port, endpoint.url])),
      instances: plan.containers
        .filter((container) => container.candidate === candidate.name)
        .map((container) => ({
          instance: container.instance,
          role: container.role,
          container: container.inputs.name,
          hostname: container.instance,
          catalogId:
            candidate.instances.find((instance) => instance.name === container.instance)?.catalogId ??
            candidate.catalogId,
        })),
    };
  });
}
