/**
 * Pure: what a kubernetes sandbox's pods say about it (phase, restarts, readiness, why one is not
 * ready), for `sandbox status` and for `sandbox up`'s wait. Pods are the API server's objects as listed.
 */
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

/** The label every pod of a candidate's pod group carries (its Deployment's or StatefulSet's name). */
export const INSTANCE_LABEL = "app.kubernetes.io/instance";

export interface PodState {
  readonly name: string;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  readonly phase: string;
  /** the pod's Ready condition. */
  readonly ready: boolean;
  /** restarts of all its containers. */
  readonly restarts: number;
  /** why it is not ready, e.g. "main: ImagePullBackOff (Back-off pulling image ...)"; absent when ready. */
  readonly reason?: string;
}

const statusesOf = (pod: V1Pod): V1ContainerStatus[] => [
  ...(pod.status?.initContainerStatuses ?? []),
  ...(pod.status?.containerStatuses ?? []),
];

const short = (text: string | undefined, max = 160) => {
  const one = (text ?? "").replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 3)}...` : one;
};

const withDetail = (label: string, detail: string | undefined) =>
  detail ? `${label} (${short(detail)})` : label;

/** Why one container is not ready: it waits (ImagePullBackOff, CrashLoopBackOff...), ended, or fails its probe. */
function containerReason(status: V1ContainerStatus): string | undefined {
  const { waiting, terminated } = status.state ?? {};
  const last = status.lastState?.terminated;
  if (waiting?.reason) {
    const lastExit = last ? `last exit ${last.exitCode}${last.reason ? ` ${last.reason}` : ""}` : undefined;
    // the kubelet's back-off message repeats the pod's name and uid; the restarts say more
    const detail =
      waiting.reason === "CrashLoopBackOff"
        ? [`${status.restartCount} restart${status.restartCount === 1 ? "" : "s"}`, lastExit]
        : [waiting.message, lastExit];
    return `${status.name}: ${withDetail(waiting.reason, detail.filter(Boolean).join("; "))}`;
  }
  if (terminated) return `${status.name}: ${withDetail(`exited ${terminated.exitCode}`, terminated.reason)}`;
  if (status.state?.running && !status.ready)
    return `${status.name}: running, readiness probe not passing yet`;
  return undefined;
}

/** Why a pod is not ready, in one line; undefined when it is. */
export function podNotReadyReason(pod: V1Pod): string | undefined {
  if (isPodReady(pod)) return undefined;
  if (pod.metadata?.deletionTimestamp) return "terminating";
  const containers = statusesOf(pod)
    .map(containerReason)
    .filter((r): r is string => Boolean(r));
  if (containers.length > 0) return containers.join("; ");
  const unscheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (unscheduled) return withDetail(unscheduled.reason ?? "not scheduled", unscheduled.message);
  const phase = pod.status?.phase ?? "Pending";
  return withDetail(phase, pod.status?.reason ?? pod.status?.message);
}

export function isPodReady(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    pod.status?.phase === "Running" &&
    (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True")
  );
}

export function podState(pod: V1Pod): PodState {
  const reason = podNotReadyReason(pod);
  return {
    name: pod.metadata?.name ?? "",
    phase: pod.status?.phase ?? "Unknown",
    ready: isPodReady(pod),
    restarts: statusesOf(pod).reduce((sum, s) => sum + (s.restartCount ?? 0), 0),
    ...(reason ? { reason } : {}),
  };
}

/** The pods of one pod group (a candidate's app, or one of its dependencies), oldest first. */
export function podsOfInstance(pods: readonly V1Pod[], instance: string): V1Pod[] {
  return pods
    .filter((pod) => pod.metadata?.labels?.[INSTANCE_LABEL] === instance)
    .sort(
      (a, b) =>
        new Date(a.metadata?.creationTimestamp ?? 0).getTime() -
        new Date(b.metadata?.creationTimestamp ?? 0).getTime(),
    );
}

/** One instance's pods as `status` shows them: state "running" only when every pod is Ready. */
export function instanceState(pods: readonly V1Pod[]): {
  state: string;
  health: string;
  pods: PodState[];
} {
  const states = pods.map(podState);
  if (states.length === 0) return { state: "missing", health: "no pod", pods: [] };
  const ready = states.every((p) => p.ready);
  const phases = [...new Set(states.map((p) => p.phase.toLowerCase()))];
  return { state: phases.join("/"), health: ready ? "ready" : "not ready", pods: states };
}

/** A pod that is meant to serve: not being deleted and not ended (an evicted pod lingers as Failed). */
const isLive = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp && !["Succeeded", "Failed"].includes(pod.status?.phase ?? "");

/**
 * One line per pod that keeps its instance from being ready, or per instance with no pod yet: every live
 * pod of every instance must be Ready (pods being deleted or that have ended do not count).
 */
export function notReadyLines(
  instances: readonly { readonly candidate: string; readonly instance: string }[],
  pods: readonly V1Pod[],
  /** the last lines a pod's crashed container wrote, by pod name, shown under its line. */
  logTails: ReadonlyMap<string, string> = new Map(),
): string[] {
  const lines: string[] = [];
  for (const { candidate, instance } of instances) {
    const own = podsOfInstance(pods, instance).filter(isLive);
    if (own.length === 0) {
      lines.push(`${candidate}: no pod of ${instance} exists yet`);
      continue;
    }
    for (const pod of own) {
      const reason = podNotReadyReason(pod);
      const tail = logTails.get(pod.metadata?.name ?? "");
      if (reason)
        lines.push(
          `${candidate}: pod ${pod.metadata?.name}: ${reason}${tail ? `\n    log: ${tail.trim().split("\n").join("\n    log: ")}` : ""}`,
        );
    }
  }
  return lines;
}

/** `up`'s error when pods stay unready: each pod and its reason, and the fix for the reasons seen. */
export function podsNotReadyError(args: {
  readonly sandbox: string;
  readonly namespace: string;
  readonly waitedS: number;
  readonly lines: readonly string[];
}): { message: string; hint: string } {
  const text = args.lines.join("\n");
  const fixes: string[] = [];
  if (/ErrImagePull|ImagePullBackOff|InvalidImageName/.test(text))
    fixes.push(
      "push the images where the cluster pulls from (`sandbox images push --registry <target.registry> --spec <file>`) and check target.registry",
    );
  if (/CrashLoopBackOff|exited \d+|Error/.test(text))
    fixes.push(`read the container's log: \`kubectl -n ${args.namespace} logs <pod> --previous\``);
  if (/Unschedulable|PersistentVolumeClaim/.test(text))
    fixes.push(
      "check that the namespace's volume claims bind (a default StorageClass or free PersistentVolumes) and the node has room",
    );
  if (/readiness probe/.test(text))
    fixes.push(`see why the probe fails: \`kubectl -n ${args.namespace} describe pod <pod>\``);
  return {
    message: `sandbox ${args.sandbox}: pods not Ready after ${Math.round(args.waitedS)} s in namespace ${args.namespace}:\n  ${args.lines.join("\n  ")}`,
    hint: `${fixes.length > 0 ? `${fixes.join("; ")}; then ` : ""}run \`sandbox up\` again (it resumes), or \`sandbox down\``,
  };
}

/** Pods with a container that ended and was restarted: their previous log says why. */
export function crashedPods(pods: readonly V1Pod[]): { pod: string; container: string }[] {
  return pods.flatMap((pod) =>
    (pod.status?.containerStatuses ?? [])
      .filter((s) => s.lastState?.terminated || s.state?.terminated)
      .slice(0, 1)
      .map((s) => ({ pod: pod.metadata?.name ?? "", container: s.name })),
  );
}
