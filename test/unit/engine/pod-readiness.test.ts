import { describe, expect, it } from "vitest";
import {
  crashedPods,
  instanceState,
  notReadyLines,
  podNotReadyReason,
  podState,
  podsNotReadyError,
} from "../../../sandbox-cli/src/engine/pod-readiness.ts";
import { pod, waiting } from "../../helpers/pods.ts";

describe("a pod's readiness, as status and up read it", () => {
  it("a Running pod with its Ready condition is ready, with its restarts counted", () => {
    expect(podState(pod("media-nginx-7d9f", "media-nginx"))).toEqual({
      name: "media-nginx-7d9f",
      phase: "Running",
      ready: true,
      restarts: 0,
    });
  });

  it("names the waiting reason and its message: ImagePullBackOff", () => {
    const p = pod("media-nginx-7d9f", "media-nginx", {
      phase: "Pending",
      ready: false,
      containers: [
        waiting("ImagePullBackOff", 'Back-off pulling image "127.0.0.1:5050/x/media-nginx:latest"'),
      ],
    });
    expect(podState(p)).toMatchObject({ phase: "Pending", ready: false, restarts: 0 });
    expect(podNotReadyReason(p)).toBe(
      'main: ImagePullBackOff (Back-off pulling image "127.0.0.1:5050/x/media-nginx:latest")',
    );
  });

  it("CrashLoopBackOff carries the restarts and the last exit", () => {
    const p = pod("reference-lms-5c4", "reference-lms", {
      ready: false,
      containers: [waiting("CrashLoopBackOff", "", 4, 1)],
    });
    expect(podState(p).restarts).toBe(4);
    expect(podNotReadyReason(p)).toBe("main: CrashLoopBackOff (4 restarts; last exit 1 Error)");
  });

  it("an unscheduled pod says why the scheduler could not place it", () => {
    const p = pod("reference-lms-database-0", "reference-lms-database", {
      phase: "Pending",
      ready: false,
      containers: [],
      scheduled: { reason: "Unschedulable", message: "pod has unbound immediate PersistentVolumeClaims" },
    });
    expect(podNotReadyReason(p)).toBe("Unschedulable (pod has unbound immediate PersistentVolumeClaims)");
  });

  it("a running container that is not ready is waiting on its readiness probe", () => {
    const p = pod("media-nginx-7d9f", "media-nginx", {
      ready: false,
      containers: [
        { name: "main", ready: false, restartCount: 0, image: "x", imageID: "", state: { running: {} } },
      ],
    });
    expect(podNotReadyReason(p)).toBe("main: running, readiness probe not passing yet");
  });
});

describe("an instance's pods", () => {
  it("are ready only when every pod is; no pod is missing", () => {
    expect(instanceState([pod("a", "media-nginx")])).toMatchObject({ state: "running", health: "ready" });
    expect(
      instanceState([pod("a", "media-nginx"), pod("b", "media-nginx", { phase: "Pending", ready: false })]),
    ).toMatchObject({ state: "running/pending", health: "not ready" });
    expect(instanceState([])).toEqual({ state: "missing", health: "no pod", pods: [] });
  });

  it("up waits on every instance: one line per unready pod, or per instance without a pod", () => {
    const instances = [
      { candidate: "reference-lms", instance: "reference-lms-database" },
      { candidate: "reference-lms", instance: "reference-lms" },
      { candidate: "media-nginx", instance: "media-nginx" },
    ];
    const pods = [
      pod("reference-lms-database-0", "reference-lms-database"),
      pod("reference-lms-5c4", "reference-lms", {
        ready: false,
        containers: [
          waiting(
            "CrashLoopBackOff",
            "back-off 40s restarting failed container=main pod=reference-lms-5c4_sandbox-k8s-local(40f6e436)",
            3,
          ),
        ],
      }),
      // a pod being replaced and an evicted one do not hold the wait
      pod("media-nginx-old", "media-nginx", { ready: false, deleting: true }),
      pod("media-nginx-evicted", "media-nginx", { phase: "Failed", ready: false }),
      pod("media-nginx-7d9f", "media-nginx"),
    ];
    expect(notReadyLines(instances, pods)).toEqual([
      "reference-lms: pod reference-lms-5c4: main: CrashLoopBackOff (3 restarts)",
    ]);
    // on timeout, the crashed container's last words go under its line
    const tails = new Map([["reference-lms-5c4", "connecting\ndatabase not reachable\n"]]);
    expect(notReadyLines(instances, pods, tails)).toEqual([
      "reference-lms: pod reference-lms-5c4: main: CrashLoopBackOff (3 restarts)\n    log: connecting\n    log: database not reachable",
    ]);
    expect(notReadyLines(instances, pods.slice(0, 1))).toEqual([
      "reference-lms: no pod of reference-lms exists yet",
      "media-nginx: no pod of media-nginx exists yet",
    ]);
    const allReady = [
      pod("reference-lms-database-0", "reference-lms-database"),
      pod("reference-lms-5c4", "reference-lms"),
      pod("media-nginx-7d9f", "media-nginx"),
    ];
    expect(notReadyLines(instances, allReady)).toEqual([]);
  });

  it("the pods whose container ended are the ones whose previous log is read", () => {
    const crashed = pod("media-nginx-7d9f", "media-nginx", {
      ready: false,
      containers: [waiting("CrashLoopBackOff", "", 2, 1)],
    });
    expect(crashedPods([crashed, pod("reference-lms-5c4", "reference-lms")])).toEqual([
      { pod: "media-nginx-7d9f", container: "main" },
    ]);
  });

  it("up's error names each pod and the fix for the reasons seen", () => {
    const error = podsNotReadyError({
      sandbox: "k8s-local",
      namespace: "sandbox-k8s-local",
      waitedS: 300.2,
      lines: ['media-nginx: pod media-nginx-7d9f: main: ImagePullBackOff (Back-off pulling image "x")'],
    });
    expect(error.message).toBe(
      'sandbox k8s-local: pods not Ready after 300 s in namespace sandbox-k8s-local:\n  media-nginx: pod media-nginx-7d9f: main: ImagePullBackOff (Back-off pulling image "x")',
    );
    expect(error.hint).toContain("sandbox images push --registry");
    expect(error.hint).not.toContain("logs");
    const crash = podsNotReadyError({
      sandbox: "k8s-local",
      namespace: "sandbox-k8s-local",
      waitedS: 12,
      lines: ["reference-lms: pod reference-lms-5c4: main: CrashLoopBackOff (last exit 1 Error)"],
    });
    expect(crash.hint).toContain("kubectl -n sandbox-k8s-local logs <pod> --previous");
    expect(crash.hint).not.toContain("images push");
  });
});
