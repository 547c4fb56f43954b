import { describe, expect, it } from "vitest";
import { describeKubernetesCandidates } from "../../../sandbox-cli/src/engine/describe-kubernetes.ts";
import { kubernetesStatusOf } from "../../../sandbox-cli/src/engine/kubernetes-status.ts";
import type { SandboxRecord } from "../../../sandbox-cli/src/engine/registry.ts";
import { renderStatus } from "../../../sandbox-cli/src/engine/render.ts";
import { planCandidates } from "../../../stacks/catalog/index.ts";
import { pod, waiting } from "../../helpers/pods.ts";

const ns = "sandbox-k8s-local";
const planned = planCandidates([{ catalog: "reference-lms" }, { catalog: "media-nginx" }]);

const record = (candidates = describeKubernetesCandidates(planned, ns)): SandboxRecord => ({
  name: "k8s-local",
  owner: "anna.schmidt@example.com",
  target: "kubernetes",
  specPath: "/work/examples/kubernetes-local.yaml",
  specSha256: "0".repeat(64),
  createdAt: "2026-12-07T20:00:00.000Z",
  expiresAt: "2026-12-08T00:00:00.000Z",
  updatedAt: "2026-12-07T20:01:00.000Z",
  state: "up",
  hostPorts: {},
  kubernetes: { kubeconfig: "/root/.kube/local.yaml", context: "sandbox-local", namespace: ns },
  candidates,
});

describe("the record `up` keeps of a kubernetes sandbox", () => {
  it("has each candidate's in-cluster URL and one instance per pod group, reached by its Service", () => {
    const [lms, media] = describeKubernetesCandidates(planned, ns);
    expect(lms).toEqual({
      name: "reference-lms",
      catalogId: "reference-lms",
      kind: "lms",
      title: "Reference LMS",
      url: "http://reference-lms.sandbox-k8s-local.svc:8080",
      urls: { http: "http://reference-lms.sandbox-k8s-local.svc:8080" },
      instances: [
        {
          instance: "reference-lms-database",
          role: "database",
          container: "sandbox-k8s-local/reference-lms-database",
          hostname: "reference-lms-database.sandbox-k8s-local.svc",
          catalogId: "postgres",
        },
        {
          instance: "reference-lms",
          role: "app",
          container: "sandbox-k8s-local/reference-lms",
          hostname: "reference-lms.sandbox-k8s-local.svc",
          catalogId: "reference-lms",
        },
      ],
    });
    expect(media?.url).toBe("http://media-nginx.sandbox-k8s-local.svc:8080");
  });

  it("names each instance's Ready pod once the pods are there", () => {
    const pods = [
      pod("media-nginx-old", "media-nginx", { ready: false, created: "2026-12-07T19:00:00Z" }),
      pod("media-nginx-7d9f", "media-nginx"),
      pod("reference-lms-5c4", "reference-lms"),
    ];
    const [lms, media] = describeKubernetesCandidates(planned, ns, pods);
    expect(media?.instances[0]?.container).toBe("sandbox-k8s-local/media-nginx-7d9f");
    expect(lms?.instances.map((i) => i.container)).toEqual([
      "sandbox-k8s-local/reference-lms-database",
      "sandbox-k8s-local/reference-lms-5c4",
    ]);
  });
});

describe("`sandbox status` of a kubernetes sandbox", () => {
  const pods = [
    pod("reference-lms-database-0", "reference-lms-database"),
    pod("reference-lms-5c4", "reference-lms"),
    pod("media-nginx-7d9f", "media-nginx"),
  ];
  const now = new Date("2026-12-07T21:00:00Z");

  it("is healthy when every instance's pods are Ready, and shows each pod", () => {
    const status = kubernetesStatusOf(record(), pods, now);
    expect(status.healthy).toBe(true);
    expect(status.kubernetes?.namespace).toBe(ns);
    const media = status.candidates.find((c) => c.name === "media-nginx")?.instances[0];
    expect(media).toMatchObject({
      container: "sandbox-k8s-local/media-nginx-7d9f",
      state: "running",
      health: "ready",
      pods: [{ name: "media-nginx-7d9f", phase: "Running", ready: true, restarts: 0 }],
    });
  });

  it("is not healthy when a pod is not Ready, a pod is missing, or the API server did not answer", () => {
    const crashing = pod("reference-lms-5c4", "reference-lms", {
      ready: false,
      containers: [waiting("CrashLoopBackOff", "", 2, 1)],
    });
    expect(
      kubernetesStatusOf(
        record(),
        [pods[0], crashing, pods[2]].filter((p) => p !== undefined),
        now,
      ).healthy,
    ).toBe(false);
    expect(kubernetesStatusOf(record(), pods.slice(1), now).healthy).toBe(false);
    const unreachable = kubernetesStatusOf(record(), undefined, now, "API server: connect ECONNREFUSED");
    expect(unreachable.healthy).toBe(false);
    expect(unreachable.candidates[0]?.instances[0]).toMatchObject({
      state: "unknown",
      health: "API server: connect ECONNREFUSED",
    });
  });

  it("renders one row per pod with phase, readiness and restarts, and the in-cluster URLs", () => {
    const crashing = pod("reference-lms-5c4", "reference-lms", {
      ready: false,
      containers: [waiting("CrashLoopBackOff", "", 2, 1)],
    });
    const text = renderStatus(
      kubernetesStatusOf(
        record(),
        [pods[0], crashing, pods[2]].filter((p) => p !== undefined),
        now,
      ),
    );
    const lines = text.split("\n");
    expect(lines[1]).toBe(
      "kubernetes namespace sandbox-k8s-local, context sandbox-local (/root/.kube/local.yaml)",
    );
    expect(lines[2]).toMatch(/^CANDIDATE\s+KIND\s+URL\s+ROLE\s+POD\s+HOSTNAME\s+STATE$/);
    expect(text).toContain("http://reference-lms.sandbox-k8s-local.svc:8080");
    expect(text).toContain("reference-lms-5c4");
    expect(text).toContain(
      "Running, not ready, 2 restarts: main: CrashLoopBackOff (2 restarts; last exit 1 Error)",
    );
    expect(text).toMatch(
      /media-nginx-7d9f\s+media-nginx\.sandbox-k8s-local\.svc\s+Running, ready, 0 restarts/,
    );
    expect(lines.at(-1)).toContain("port-forward on 127.0.0.1");
  });
});
