/** A kubernetes sandbox's pods, listed from the API server: `status` reads them, `up` waits on them. */
import { setTimeout as sleep } from "node:timers/promises";
import type { V1Pod } from "@kubernetes/client-node";
import { LABEL_NAME } from "../../../stacks/kubernetes/metadata.ts";
import { infrastructureError } from "../errors.ts";
import { type Kube, labelSelector } from "../runtime/kube.ts";
import type { Logger } from "../util/log.ts";
import { crashedPods, notReadyLines, podsNotReadyError } from "./pod-readiness.ts";

/** Every pod labelled as the sandbox's in its namespace. */
export async function listSandboxPods(kube: Kube, namespace: string, sandbox: string): Promise<V1Pod[]> {
  const list = await kube.core.listNamespacedPod({
    namespace,
    labelSelector: labelSelector({ [LABEL_NAME]: sandbox }),
  });
  return list.items;
}

export interface WaitForPodsArgs {
  readonly kube: Kube;
  readonly namespace: string;
  readonly sandbox: string;
  /** each candidate's pod groups (their `app.kubernetes.io/instance` label). */
  readonly instances: readonly { readonly candidate: string; readonly instance: string }[];
  readonly timeoutS: number;
  readonly log: Logger;
  readonly pollMs?: number;
}

/**
 * Polls the sandbox's pods until every instance has its pods Ready; returns them. After `timeoutS`,
 * SANDBOX_PODS_NOT_READY names each pod that is not and why (ImagePullBackOff, CrashLoopBackOff, ...).
 */
export async function waitForPodsReady(args: WaitForPodsArgs): Promise<V1Pod[]> {
  const started = Date.now();
  const deadline = started + args.timeoutS * 1000;
  let lines: string[] = ["no answer from the API server yet"];
  let pods: V1Pod[] = [];
  const progress = progressLine(args.log);
  for (;;) {
    try {
      pods = await listSandboxPods(args.kube, args.namespace, args.sandbox);
      lines = notReadyLines(args.instances, pods);
      if (lines.length === 0) return pods;
    } catch (error) {
      lines = [`listing pods failed: ${(error as Error).message}`];
    }
    progress(lines);
    if (Date.now() >= deadline) break;
    await sleep(Math.min(args.pollMs ?? 2000, Math.max(0, deadline - Date.now())));
  }
  const tails = await logTails(args.kube, args.namespace, pods);
  const { message, hint } = podsNotReadyError({
    sandbox: args.sandbox,
    namespace: args.namespace,
    waitedS: (Date.now() - started) / 1000,
    lines: tails.size > 0 ? notReadyLines(args.instances, pods, tails) : lines,
  });
  throw infrastructureError("SANDBOX_PODS_NOT_READY", message, hint);
}

/** What the wait prints: each pod's reason without its detail, when that changed and 10 s after the last. */
function progressLine(log: Logger) {
  let shown = "";
  let at = 0;
  return (lines: readonly string[]) => {
    const brief = lines.map((line) => line.replace(/ \(.*$/s, "")).join("; ");
    if (brief === shown || Date.now() - at < 10_000) return;
    log.info(`waiting for pods: ${brief}`);
    shown = brief;
    at = Date.now();
  };
}

/** The last lines each crashed container wrote before it ended (best effort: a log may be gone). */
async function logTails(kube: Kube, namespace: string, pods: readonly V1Pod[]): Promise<Map<string, string>> {
  const tails = new Map<string, string>();
  for (const { pod, container } of crashedPods(pods).slice(0, 6)) {
    const text = await kube.core
      .readNamespacedPodLog({ name: pod, namespace, container, previous: true, tailLines: 3 })
      .catch(() => "");
    if (typeof text === "string" && text.trim()) tails.set(pod, text);
  }
  return tails;
}
