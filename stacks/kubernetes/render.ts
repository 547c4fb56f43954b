import { candidateSettings } from "./candidate.ts";
import {
  ingressManifest,
  podGroups,
  secretManifest,
  serviceAccountManifest,
  serviceManifest,
  volumeClaimManifests,
  workloadManifest,
} from "./candidate-manifests.ts";
import { namespaceSettings } from "./namespace.ts";
import {
  limitRangeManifest,
  namespaceManifest,
  networkPolicyManifests,
  ownerRoleManifest,
  resourceQuotaManifest,
  roleBindingManifests,
} from "./namespace-manifests.ts";
import { type KubernetesSandboxArgs, planKubernetesSandbox } from "./sandbox.ts";
import { throwIfProblems } from "./validate.ts";

export type RenderedObject = {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string };
} & Record<string, unknown>;

/**
 * The objects KubernetesSandbox creates, as plain manifests in apply order (for `kubectl apply`, a dry
 * run, or a real API server test), with placeholder secret values "<candidate>-<secret>" (URL-safe: a database URL embeds one).
 */
export function renderKubernetesSandbox(
  args: Omit<KubernetesSandboxArgs, "provider" | "secretValues">,
): RenderedObject[] {
  const plan = planKubernetesSandbox({ ...args, secretValues: {} });
  throwIfProblems("KubernetesSandbox", plan.problems);
  const ns = namespaceSettings(plan.namespace);
  const objects: object[] = [
    namespaceManifest(ns),
    resourceQuotaManifest(ns),
    limitRangeManifest(ns),
    ...networkPolicyManifests(ns),
    ownerRoleManifest(ns),
    ...roleBindingManifests(ns),
  ];
  for (const candidateArgs of plan.candidates) {
    const s = candidateSettings(candidateArgs);
    const { candidate } = candidateArgs;
    if (candidate.secrets.length > 0) {
      const placeholders = Object.fromEntries(
        candidate.secrets.map((x) => [x.name, `${candidate.name}-${x.name}`]),
      );
      objects.push(secretManifest(s, candidate, placeholders));
    }
    for (const group of podGroups(candidate)) {
      objects.push(
        serviceAccountManifest(s, group),
        ...volumeClaimManifests(s, group),
        workloadManifest(s, group),
        ...[serviceManifest(s, group), ingressManifest(s, group)].filter((m) => m !== undefined),
      );
    }
  }
  return objects as RenderedObject[];
}
