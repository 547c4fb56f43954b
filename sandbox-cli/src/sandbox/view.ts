import { findCatalogEntry } from "../../../stacks/catalog/index.ts";
import { type SandboxStatus, sandboxStatus } from "../engine/status.ts";
import { infrastructureError, usageError } from "../errors.ts";
import type { ResourceSource } from "../loadtest/resource-sampling.ts";
import type { OwnedEndpoints } from "../loadtest/safety.ts";
import type { PodRef } from "../runtime/kube.ts";

/** Where the CLI and the learners reach one candidate of a running sandbox. */
export interface CandidateTarget {
  readonly candidate: string;
  readonly catalogId: string;
  readonly kind: "lms" | "media";
  /** the learners' base URL: loopback (runners on the host) or internal hostname (runners on a network). */
  readonly baseUrl: string;
  /** where the CLI itself reaches it (admin calls), on 127.0.0.1. */
  readonly loopbackUrl: string;
  /** the app instance's container (docker) or pod as namespace/pod (kubernetes). */
  readonly container: string;
  /** kubernetes: the app's pod and container, for exec and copies (media/publish.ts dispatches on it). */
  readonly pod?: PodRef;
  /** the service's hostname and port inside the sandbox network (for site gateways). */
  readonly internal: { readonly host: string; readonly port: number };
  /** the admin account its catalog entry gives it (install.adminUserEnv / adminPasswordSecret). */
  readonly credentials?: { readonly username: string; readonly password: string };
}

/** The sandbox's state read once (record, live status, targets, credentials) and handed on. */
export interface SandboxView {
  readonly sandbox: string;
  readonly owner: string;
  readonly expiresAt: string;
  readonly status: SandboxStatus;
  readonly network?: string;
  readonly owned: OwnedEndpoints;
  /** every LMS and media candidate, in spec order. */
  readonly candidates: readonly CandidateTarget[];
  /** how a load run measures the sandbox's containers (docker: Engine stats; kubernetes: kubelet Summary). */
  readonly resources: ResourceSource;
  /**
   * ends what reading the view opened (kubernetes: the port-forwards behind each loopbackUrl); the
   * loopback URLs stop answering then. Idempotent; docker: nothing to end.
   */
  close(): Promise<void>;
}

export type Via = "loopback" | "network";

/** What a target kind contributes to the view; the docker target reads the Engine, kubernetes the API server. */
export interface TargetLookups {
  read(
    status: SandboxStatus,
    via: Via,
  ): Promise<Pick<SandboxView, "owned" | "candidates" | "resources"> & { close?: () => Promise<void> }>;
}

const lookupsByTarget: Record<SandboxStatus["target"], () => Promise<TargetLookups>> = {
  docker: async () => (await import("./docker-lookups.ts")).dockerLookups,
  kubernetes: async () => (await import("./kubernetes-lookups.ts")).kubernetesLookups,
};

/** How long an up sandbox may report a failed health check before it counts as not ready, ms. */
const UNHEALTHY_GRACE_MS = 60_000;

/**
 * The sandbox's status; an up sandbox whose health check just failed is read again for a bounded
 * while, since a check times out on a loaded machine and passes again at its next interval.
 */
async function settledStatus(name: string): Promise<Awaited<ReturnType<typeof sandboxStatus>>> {
  const deadline = Date.now() + UNHEALTHY_GRACE_MS;
  let status = await sandboxStatus(name);
  while (status?.state === "up" && !status.healthy && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    status = await sandboxStatus(name);
  }
  return status;
}

/**
 * Reads a running sandbox once. `via`: "loopback" for runners on the host, "network" for runner
 * containers on the sandbox's own network (kubernetes: runner Jobs in its namespace). The caller
 * closes the view when its command ends (`withSandboxView` does).
 */
export async function readSandboxView(name: string, via: Via): Promise<SandboxView> {
  const status = await settledStatus(name);
  if (!status)
    throw usageError(
      "SANDBOX_UNKNOWN",
      `no sandbox named "${name}" on this machine`,
      "start it with `sandbox up --spec <file>`, or pass --spec for the right one",
    );
  if (status.state !== "up" || !status.healthy) {
    throw infrastructureError(
      "SANDBOX_NOT_READY",
      `sandbox "${name}" is ${status.state}${status.healthy ? "" : " and not healthy"}`,
      "run `sandbox status` and `sandbox up` again",
    );
  }
  const lookups = await lookupsByTarget[status.target]();
  const { close, ...read } = await lookups.read(status, via);
  let closed: Promise<void> | undefined;
  return {
    sandbox: name,
    owner: status.owner,
    expiresAt: status.expiresAt,
    status,
    ...(status.network ? { network: status.network } : {}),
    ...read,
    close: () => {
      closed ??= close ? close() : Promise.resolve();
      return closed;
    },
  };
}

/** Reads the sandbox, runs `work` with it and closes it, however `work` ends. */
export async function withSandboxView<T>(
  name: string,
  via: Via,
  work: (view: SandboxView) => Promise<T>,
): Promise<T> {
  const view = await readSandboxView(name, via);
  try {
    return await work(view);
  } finally {
    await view.close();
  }
}

/**
 * A URL of the candidate that still means something once the command has ended: on kubernetes the
 * loopback origin (a port-forward that closes with the view) becomes the Service's in-cluster origin.
 */
export function lastingUrl(target: CandidateTarget, url: string): string {
  if (!target.pod) return url;
  const loopback = new URL(target.loopbackUrl).origin;
  return url.startsWith(loopback)
    ? `http://${target.internal.host}:${target.internal.port}${url.slice(loopback.length)}`
    : url;
}

export const candidatesOfKind = (view: SandboxView, kind: "lms" | "media") =>
  view.candidates.filter((candidate) => candidate.kind === kind);

/** The admin account a catalog entry names, read from its app's environment (name=value lines). */
export function credentialsFromEnv(
  catalogId: string,
  env: readonly string[],
): CandidateTarget["credentials"] {
  const install = findCatalogEntry(catalogId)?.install;
  if (install?.method !== "reference-lms-api") return undefined;
  const template = `{{secret:${install.adminPasswordSecret}}}`;
  const entryEnv = findCatalogEntry(catalogId)?.env ?? {};
  const passwordKey = Object.keys(entryEnv).find((key) => entryEnv[key] === template);
  const value = (key: string | undefined) =>
    key ? env.find((line) => line.startsWith(`${key}=`))?.slice(key.length + 1) : undefined;
  const username = value(install.adminUserEnv);
  const password = value(passwordKey);
  return username && password ? { username, password } : undefined;
}
