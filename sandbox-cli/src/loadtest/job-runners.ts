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
  /** per runner; default 1 CPU, 512 MiB (load-runners.ts). */
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
  metadata: { name: string };
  status?: { containerStatuses?: { state?: { terminated?: { startedAt?: string } } }[] };
}

/** The log of a Job's (only) pod and when its container started (epoch ms), if it did. */
async function jobPod(client: KubeClient, namespace: string, job: string) {
  const pods = (await client.get(
    `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(`job-name=${job}`)}`,
  )) as { items: RunnerPod[] };
  const pod = pods.items[0];
  if (!pod) return { log: "", startedAtMs: undefined };
  const res = await client.request("GET", `/api/v1/namespaces/${namespace}/pods/${pod.metadata.name}/log`);
  const started = pod.status?.containerStatuses?.[0]?.state?.terminated?.startedAt;
  return {
    log: typeof res.body.text === "string" ? res.body.text : "",
    startedAtMs: started ? Date.parse(started) : undefined,
  };
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
    const late = await waitForJobs(
      o.client,
      o.namespace,
      names,
      Date.now() + settings.deadlineS * 1000 + 60_000,
    );
    if (late.length) log.warn(`runner Jobs still running at their deadline: ${late.join(", ")}`);
    for (const [index, name] of names.entries()) {
      const { log: text, startedAtMs } = await jobPod(o.client, o.namespace, name);
      // a runner that starts after the shared instant never runs the arrival-rate iterations due before it
      if (startedAtMs !== undefined && startedAtMs > startAtMs + 1000)
        log.warn(
          `runner Job ${name} started ${((startedAtMs - startAtMs) / 1000).toFixed(1)} s after the shared start (its pod took longer to start than the run allowed)`,
        );
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
