/**
 * R runner Jobs in a sandbox's namespace (the kubernetes twin of runContainerRunners): one Secret holds
 * the shared configuration, Job i runs execution segment i/R, and each Job's pod prints its summary and
 * raw samples to its log, which is read back through the API server into the run folder.
 */
import { writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type JobResources,
  loadConfigSecret,
  loadRunnerJobManifests,
} from "../../../stacks/kubernetes/job-manifests.ts";
import { loadRunnerSettings } from "../../../stacks/kubernetes/load-runners.ts";
import type { SandboxIdentity } from "../../../stacks/kubernetes/metadata.ts";
import { parseRunnerReport } from "../../../stacks/kubernetes/runner-report.ts";
import { workloadServiceAccount } from "../../../stacks/kubernetes/service-account.ts";
import { infrastructureError } from "../errors.ts";
import type { KubeClient, KubeObject } from "../k8s-tier/kube-client.ts";
import type { Logger } from "../util/log.ts";
import { type RunnerOutputs, type RunnerSet, readSummaries, runnerFiles } from "./runners.ts";

export interface JobRunnerOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly identity: SandboxIdentity;
  /** the load-runner image as the cluster pulls it (`<registry>/load-runner:latest`). */
  readonly image: string;
  /** a DNS label naming this run's Jobs. */
  readonly runId: string;
  /** how long pods may take to be scheduled and pull the image before the shared start instant. */
  readonly podStartS?: number;
  /** per runner; default 1 CPU (0.2 requested), 512 MiB (load-runners.ts). */
  readonly resources?: JobResources;
}

interface JobStatus {
  status?: { succeeded?: number; failed?: number };
}

async function applyAll(client: KubeClient, objects: readonly object[]): Promise<void> {
  for (const object of objects) {
    const res = await client.apply(object as KubeObject, "elearning-sandbox");
    if (res.status >= 300) {
      throw infrastructureError(
        "LOAD_JOB_REFUSED",
        `the cluster refused ${(object as KubeObject).kind} ${(object as KubeObject).metadata?.name}: HTTP ${res.status} ${String(res.body.message ?? "")}`,
        "check the namespace's quota (`sandbox status`) and that the sandbox is up",
      );
    }
  }
}

/** Waits until every Job has ended (succeeded or failed) or `deadline` (epoch ms) passes. */
async function waitForJobs(
  client: KubeClient,
  namespace: string,
  names: readonly string[],
  deadline: number,
) {
  const ended = new Set<string>();
  while (ended.size < names.length && Date.now() < deadline) {
    for (const name of names.filter((n) => !ended.has(n))) {
      const job = (await client.get(`/apis/batch/v1/namespaces/${namespace}/jobs/${name}`)) as JobStatus;
      if ((job.status?.succeeded ?? 0) > 0 || (job.status?.failed ?? 0) > 0) ended.add(name);
    }
    if (ended.size < names.length) await sleep(2000);
  }
  return names.filter((n) => !ended.has(n));
}

interface RunnerPod {
  metadata: { name: string; labels?: Record<string, string> };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: {
      state?: {
        running?: { startedAt?: string };
        waiting?: { reason?: string; message?: string };
        terminated?: object;
      };
    }[];
  };
}

/** Why a runner pod has not started its container yet (unscheduled, pulling, ...), or undefined once it has. */
export function notStartedReason(pod: RunnerPod | undefined): string | undefined {
  if (!pod) return "no pod yet";
  const state = pod.status?.containerStatuses?.[0]?.state;
  if (state?.running || state?.terminated) return undefined;
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status !== "True");
  if (unscheduled) return `not scheduled: ${unscheduled.message ?? unscheduled.reason ?? "pending"}`;
  const waiting = state?.waiting;
  return waiting
    ? `${waiting.reason ?? "waiting"}${waiting.message ? `: ${waiting.message}` : ""}`
    : "starting";
}

/**
 * Waits until every runner's container has started, before the shared start instant: a runner that
 * starts after it would run its share of the plan late, and the merged result would mix two loads.
 */
async function waitForRunnersStarted(
  client: KubeClient,
  namespace: string,
  runId: string,
  names: readonly string[],
  startAtMs: number,
): Promise<void> {
  let pending = new Map<string, string>();
  do {
    // one list per round: every runner pod carries its run's label, and the Job controller's job-name
    const pods = await listPods(client, namespace, `sandbox.run=${runId}`);
    const byJob = new Map(pods.map((pod) => [pod.metadata.labels?.["job-name"], pod]));
    pending = new Map();
    for (const name of names) {
      const reason = notStartedReason(byJob.get(name));
      if (reason) pending.set(name, reason);
    }
    if (pending.size === 0) return;
    await sleep(1000);
  } while (Date.now() < startAtMs - 1000);
  throw infrastructureError(
    "LOAD_RUNNERS_NOT_STARTED",
    `${pending.size} of ${names.length} runner Job(s) had not started by the run's shared start:\n  ${[
      ...pending,
    ]
      .map(([name, reason]) => `${name}: ${reason}`)
      .join("\n  ")}`,
    "every runner must run at once: give the node room (fewer --runners, or free CPU: each runner requests 0.2 cores), or check the image with `sandbox images push`",
  );
}

async function listPods(client: KubeClient, namespace: string, selector: string): Promise<RunnerPod[]> {
  const pods = (await client.get(
    `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(selector)}`,
  )) as { items?: RunnerPod[] };
  return pods.items ?? [];
}

/** The log of a Job's (only) pod ("" when it has none). */
async function jobLog(client: KubeClient, namespace: string, job: string): Promise<string> {
  const [pod] = await listPods(client, namespace, `job-name=${job}`);
  if (!pod) return "";
  const res = await client.request("GET", `/api/v1/namespaces/${namespace}/pods/${pod.metadata.name}/log`);
  return typeof res.body.text === "string" ? res.body.text : "";
}

async function removeRun(client: KubeClient, namespace: string, objects: readonly KubeObject[]) {
  for (const object of objects) {
    const path = await client.pathOf(object.apiVersion, object.kind, namespace, object.metadata?.name);
    await client.request("DELETE", `${path}?propagationPolicy=Background`).catch(() => undefined);
  }
}

/** Runs the set as Jobs, writes every runner's samples and summary into `set.outDir`, removes the Jobs. */
export async function runJobRunners(
  set: RunnerSet,
  o: JobRunnerOptions,
  log: Logger,
): Promise<RunnerOutputs> {
  const startAtMs = Date.now() + set.startDelayMs + (o.podStartS ?? 30) * 1000;
  const settings = loadRunnerSettings({
    identity: o.identity,
    namespace: o.namespace,
    runId: o.runId,
    runners: set.runners,
    image: o.image,
    config: JSON.stringify({ ...set.config, startAtMs }),
    deadlineS: Math.ceil((startAtMs - Date.now()) / 1000 + set.maxRunS + 60),
    ...(o.resources ? { resources: o.resources } : {}),
  });
  const jobs = loadRunnerJobManifests(settings);
  const objects = [
    workloadServiceAccount(o.identity, o.namespace, settings.serviceAccountName),
    loadConfigSecret(settings),
    ...jobs,
  ] as KubeObject[];
  try {
    await applyAll(o.client, objects);
    const names = jobs.map((j) => j.metadata?.name ?? "");
    await waitForRunnersStarted(o.client, o.namespace, o.runId, names, startAtMs);
    const late = await waitForJobs(
      o.client,
      o.namespace,
      names,
      Date.now() + settings.deadlineS * 1000 + 60_000,
    );
    if (late.length) log.warn(`runner Jobs still running at their deadline: ${late.join(", ")}`);
    for (const [index, name] of names.entries()) {
      // every runner had started before the shared start (waitForRunnersStarted), and none is restarted
      const text = await jobLog(o.client, o.namespace, name);
      const f = runnerFiles(set.outDir, index + 1);
      await writeFile(f.log, text);
      try {
        const report = parseRunnerReport(text);
        await writeFile(f.summary, report.summary);
        await writeFile(f.samples, report.samples);
        if (report.exitCode !== 0) log.warn(`runner Job ${name} exited ${report.exitCode}`);
      } catch (error) {
        log.warn(`runner Job ${name}: ${(error as Error).message}`);
      }
    }
  } finally {
    await removeRun(o.client, o.namespace, objects.slice().reverse());
  }
  return readSummaries(set, startAtMs);
}
