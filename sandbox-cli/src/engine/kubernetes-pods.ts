/** A kubernetes sandbox's pods, listed from the API server: `status` reads them, `up` waits on them. */
import { setTimeout as sleep } from "node:timers/promises";
import type { V1Pod } from "@kubernetes/client-node";
import { LABEL_NAME } from "../../../stacks/kubernetes/metadata.ts";
import { infrastructureError } from "../errors.ts";
import { type Kube, labelSelector } from "../runtime/kube.ts";
import type { Logger } from "../util/log.ts";
import { notReadyLines, podsNotReadyError } from "./pod-readiness.ts";

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
  let shown = "";
  for (;;) {
    try {
      const pods = await listSandboxPods(args.kube, args.namespace, args.sandbox);
      lines = notReadyLines(args.instances, pods);
      if (lines.length === 0) return pods;
    } catch (error) {
      lines = [`listing pods failed: ${(error as Error).message}`];
    }
    const now = lines.join("\n");
    if (now !== shown) {
      args.log.info(`waiting for pods: ${lines.join("; ")}`);
      shown = now;
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(args.pollMs ?? 2000, Math.max(0, deadline - Date.now())));
  }
  const { message, hint } = podsNotReadyError({
    sandbox: args.sandbox,
    namespace: args.namespace,
    waitedS: (Date.now() - started) / 1000,
    lines,
  });
  throw infrastructureError("SANDBOX_PODS_NOT_READY", message, hint);
}
