import { docker } from "../runtime/docker.ts";
import type { PodState } from "./pod-readiness.ts";
import { listRecords, readRecord, type SandboxRecord } from "./registry.ts";
import { sandboxStack, stackExists } from "./workspace.ts";

export interface InstanceStatus {
  readonly instance: string;
  readonly role: string;
  readonly container: string;
  readonly hostname: string;
  readonly catalogId: string;
  /** docker's state (running, exited, missing, ...); kubernetes: its pods' phases (running, pending, ...). */
  readonly state: string;
  /** docker's health check; kubernetes: "ready" when every pod is Ready, else "not ready". */
  readonly health?: string;
  /** kubernetes: each pod's phase, restarts, readiness and why it is not ready. */
  readonly pods?: readonly PodState[];
}

export interface CandidateStatus {
  readonly name: string;
  readonly catalogId: string;
  readonly kind: "lms" | "media" | "database";
  readonly title: string;
  readonly url?: string;
  readonly urls: Record<string, string>;
  readonly instances: readonly InstanceStatus[];
}

export interface SandboxSummary {
  readonly name: string;
  readonly owner: string;
  readonly target: "docker" | "kubernetes";
  readonly state: SandboxRecord["state"];
  readonly createdAt: string;
  readonly ageS: number;
  readonly expiresAt: string;
  readonly expired: boolean;
  readonly candidates: number;
}

export interface SandboxStatus extends Omit<SandboxSummary, "candidates"> {
  readonly specPath: string;
  readonly network?: string;
  /** kubernetes: where the sandbox runs (kubeconfig, context, namespace). */
  readonly kubernetes?: SandboxRecord["kubernetes"];
  readonly edge?: { readonly container: string; readonly state: string };
  readonly candidates: readonly CandidateStatus[];
  /** every container is running (and healthy when it has a health check); kubernetes: every pod is Ready. */
  readonly healthy: boolean;
}

export function summarize(record: SandboxRecord, now = new Date()): SandboxSummary {
  return {
    name: record.name,
    owner: record.owner,
    target: record.target,
    state: record.state,
    createdAt: record.createdAt,
    ageS: Math.max(0, Math.round((now.getTime() - Date.parse(record.createdAt)) / 1000)),
    expiresAt: record.expiresAt,
    expired: Date.parse(record.expiresAt) < now.getTime(),
    candidates: record.candidates.length,
  };
}

async function containerState(name: string): Promise<{ state: string; health?: string }> {
  try {
    const info = await docker().getContainer(name).inspect();
    return {
      state: info.State.Status,
      ...(info.State.Health?.Status ? { health: info.State.Health.Status } : {}),
    };
  } catch {
    return { state: "missing" };
  }
}

/** The sandbox with each candidate's role, containers, internal hostnames, loopback URLs and live state; undefined when unknown. */
export async function sandboxStatus(name: string, now = new Date()): Promise<SandboxStatus | undefined> {
  const record = await readRecord(name);
  if (!record) return undefined;
  if (record.target === "kubernetes") {
    const { kubernetesSandboxStatus } = await import("./kubernetes-status.ts");
    return kubernetesSandboxStatus(record, now);
  }
  const candidates: CandidateStatus[] = [];
  for (const candidate of record.candidates) {
    const instances: InstanceStatus[] = [];
    for (const instance of candidate.instances)
      instances.push({ ...instance, ...(await containerState(instance.container)) });
    candidates.push({ ...candidate, instances });
  }
  const edge = record.edgeContainer
    ? { container: record.edgeContainer, ...(await containerState(record.edgeContainer)) }
    : undefined;
  const all = [...candidates.flatMap((candidate) => candidate.instances), ...(edge ? [edge] : [])];
  const healthy =
    record.state === "up" &&
    all.every((item) => item.state === "running" && (item.health === undefined || item.health === "healthy"));
  const { candidates: _count, ...summary } = summarize(record, now);
  return {
    ...summary,
    specPath: record.specPath,
    ...(record.network ? { network: record.network } : {}),
    ...(edge ? { edge: { container: edge.container, state: edge.state } } : {}),
    candidates,
    healthy,
  };
}

export async function sandboxList(now = new Date()): Promise<SandboxSummary[]> {
  return (await listRecords()).map((record) => summarize(record, now));
}

/**
 * The generated passwords of a sandbox's candidates (e.g. `{ "reference-lms": { adminPassword, dbPassword } }`),
 * read from the stack's secret output; undefined when the sandbox has no stack.
 */
export async function sandboxSecrets(
  name: string,
): Promise<Record<string, Record<string, string>> | undefined> {
  if (!(await stackExists(name))) return undefined;
  const stack = await sandboxStack(name, async () => ({}));
  const outputs = await stack.outputs();
  return (outputs.secrets?.value ?? {}) as Record<string, Record<string, string>>;
}
