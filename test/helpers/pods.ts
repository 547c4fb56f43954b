import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

/** A pod as the API server lists it: `instance` is its pod group, `ready` its Ready condition. */
export function pod(
  name: string,
  instance: string,
  status: {
    phase?: string;
    ready?: boolean;
    containers?: V1ContainerStatus[];
    scheduled?: { reason: string; message: string };
    created?: string;
    deleting?: boolean;
  } = {},
): V1Pod {
  const ready = status.ready ?? true;
  return {
    metadata: {
      name,
      labels: { "sandbox.name": "k8s-local", "app.kubernetes.io/instance": instance },
      creationTimestamp: new Date(status.created ?? "2026-12-07T20:00:00Z"),
      ...(status.deleting ? { deletionTimestamp: new Date("2026-12-07T21:00:00Z") } : {}),
    },
    spec: { containers: [{ name: "main", ports: [{ name: "http", containerPort: 8080 }] }] },
    status: {
      phase: status.phase ?? "Running",
      conditions: [
        ...(status.scheduled
          ? [{ type: "PodScheduled", status: "False", ...status.scheduled }]
          : [{ type: "PodScheduled", status: "True" }]),
        { type: "Ready", status: ready ? "True" : "False" },
      ],
      containerStatuses: status.containers ?? [
        { name: "main", ready, restartCount: 0, image: "x", imageID: "", state: { running: {} } },
      ],
    },
  };
}

export const waiting = (
  reason: string,
  message: string,
  restartCount = 0,
  lastExit?: number,
): V1ContainerStatus => ({
  name: "main",
  ready: false,
  restartCount,
  image: "x",
  imageID: "",
  state: { waiting: { reason, message } },
  ...(lastExit === undefined ? {} : { lastState: { terminated: { exitCode: lastExit, reason: "Error" } } }),
});
