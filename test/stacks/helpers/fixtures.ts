import { planCandidates } from "../../../stacks/catalog/plan.ts";
import { catalog } from "../../../stacks/catalog/registry.ts";
import { type CatalogEntry, catalogEntrySchema } from "../../../stacks/catalog/schema.ts";
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

/**
 * A test-only LMS with a cron worker and two volumes (what the kubernetes target does with workers and
 * shared ReadWriteOnce volumes); no catalog entry has workers today.
 */
export const cronLmsEntry: CatalogEntry = catalogEntrySchema.parse({
  id: "cron-lms",
  title: "LMS with a cron worker (test fixture)",
  kind: "lms",
  adapter: "reference-lms",
  description: "fixture",
  image: {
    docker: { recipe: { name: "sandbox/reference-lms", folder: "reference-lms" } },
    kubernetes: "registry.sandbox.internal/elearning-sandbox/reference-lms:latest",
  },
  ports: [{ name: "http", port: 8080, protocol: "http", expose: true }],
  env: {
    DB_HOST: "{{dep:database.host}}",
    DB_PORT: "{{dep:database.port}}",
    ADMIN_PASSWORD: "{{secret:adminPassword}}",
    SELF_HOST: "{{self.host}}",
  },
  health: { kind: "http", path: "/healthz", port: 8080 },
  resources: { cpu: 1, memoryMb: 1024 },
  volumes: [
    { name: "code", mountPath: "/srv/code", purpose: "code and config" },
    { name: "data", mountPath: "/srv/data", purpose: "files and caches" },
  ],
  secrets: [{ name: "dbPassword" }, { name: "adminPassword" }],
  dependencies: [
    { role: "database", catalog: "postgres", env: { POSTGRES_PASSWORD: "{{secret:dbPassword}}" } },
  ],
  workers: [{ role: "cron", command: ["sh", "-c", "sleep 60"], resources: { cpu: 0.25, memoryMb: 256 } }],
  install: {
    method: "reference-lms-api",
    importPath: "/api/courses",
    adminUserEnv: "ADMIN_USER",
    adminPasswordSecret: "adminPassword",
  },
});

export const plan = (...ids: string[]) =>
  planCandidates(
    ids.map((id) => ({ catalog: id })),
    [...catalog(), cronLmsEntry],
  );

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
