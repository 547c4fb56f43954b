import { planCandidates } from "../../../stacks/catalog/plan.ts";
import type { CandidateSettings } from "../../../stacks/kubernetes/candidate-manifests.ts";
import type { SandboxIdentity } from "../../../stacks/kubernetes/metadata.ts";

export const identity: SandboxIdentity = {
  name: "bakeoff",
  owner: "anna.schmidt@example.com",
  expiresAt: "2026-11-29T20:40:00.000Z",
};

export const namespace = "sandbox-bakeoff";

export const candidateSettings: CandidateSettings = {
  identity,
  namespace,
  ingressDomain: "sandbox.example.internal",
  registry: "registry.sandbox.internal/elearning-sandbox",
  ingressClassName: "nginx",
  storageClassName: undefined,
  volumeSize: "5Gi",
  metricsPath: "/metrics",
};

export const plan = (...catalog: string[]) => planCandidates(catalog.map((id) => ({ catalog: id })));

/** Replaces Pulumi's secret envelopes (as mocks see them) with their values. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if ("4dabf18193072939515e22adb298388d" in record) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
