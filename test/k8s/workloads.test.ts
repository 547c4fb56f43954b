import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { KubeObject } from "../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { loadRunnerJobManifests, loadScriptsConfigMap } from "../../stacks/kubernetes/job-manifests.ts";
import { loadRunnerSettings } from "../../stacks/kubernetes/load-runners.ts";
import { renderKubernetesSandbox } from "../../stacks/kubernetes/render.ts";
import { sandboxIdentity } from "../../stacks/kubernetes/sandbox.ts";
import {
  persistentVolume,
  removePersistentVolume,
  tierClient,
  tierSpec,
  uniqueName,
  waitFor,
} from "./helpers.ts";

const tier = inject("k8sTier");
const client = tierClient();
const spec = tierSpec(uniqueName("work"), ["reference-lms", "media-nginx"]);
const createdAt = new Date();
const objects = renderKubernetesSandbox({ spec, createdAt }) as KubeObject[];
const namespace = objects.find((o) => o.kind === "Namespace")?.metadata?.name ?? "";
const volumePool = Array.from({ length: 8 }, (_, i) => `${namespace}-pv-${i}`);

async function get<T>(path: string): Promise<T> {
  return (await client.get(path)) as T;
}

describe.skipIf(!tier.node)("the sandbox's workloads on kwok's simulated node", () => {
  beforeAll(async () => {
    for (const name of volumePool)
      await client.request("POST", "/api/v1/persistentvolumes", await persistentVolume(name, namespace));
    for (const object of objects) {
      const res = await client.apply(object);
      if (res.status !== 200 && res.status !== 201) {
        throw new Error(
          `applying ${object.kind} ${object.metadata?.name}: HTTP ${res.status} ${JSON.stringify(res.body)}`,
        );
      }
    }
  });

  afterAll(async () => {
    await client.request("DELETE", `/api/v1/namespaces/${namespace}`);
    for (const name of volumePool) await removePersistentVolume(client, name);
  });

  it("brings every Deployment and StatefulSet to its ready replicas", async () => {
    const workloads = objects.filter((o) => o.kind === "Deployment" || o.kind === "StatefulSet");
    expect(workloads.length).toBeGreaterThanOrEqual(3);
    for (const workload of workloads) {
      const plural = workload.kind === "Deployment" ? "deployments" : "statefulsets";
      const path = `/apis/apps/v1/namespaces/${namespace}/${plural}/${workload.metadata?.name}`;
      const ready = await waitFor(async () => {
        const w = await get<{ spec: { replicas: number }; status?: { readyReplicas?: number } }>(path);
        return (w.status?.readyReplicas ?? 0) >= w.spec.replicas ? w : undefined;
      }, 120_000);
      const pods = await get<{ items: { metadata: { name: string }; status: object }[] }>(
        `/api/v1/namespaces/${namespace}/pods`,
      );
      expect(
        ready,
        `${workload.kind} ${workload.metadata?.name}; pods: ${JSON.stringify(pods.items.map((p) => [p.metadata.name, p.status]))}`,
      ).toBeDefined();
    }
  });

  it("runs the load-runner Jobs to completion", async () => {
    const settings = loadRunnerSettings({
      identity: sandboxIdentity(spec, createdAt),
      namespace,
      runId: "tier",
      runners: 2,
      scripts: { "plan.json": "{}" },
    });
    const serviceAccount = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: settings.serviceAccountName, namespace },
      automountServiceAccountToken: false,
    };
    for (const object of [
      serviceAccount,
      loadScriptsConfigMap(settings),
      ...loadRunnerJobManifests(settings),
    ]) {
      const res = await client.apply(object as KubeObject);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    }
    for (const job of loadRunnerJobManifests(settings)) {
      const done = await waitFor(async () => {
        const j = await get<{ status?: { succeeded?: number } }>(
          `/apis/batch/v1/namespaces/${namespace}/jobs/${job.metadata?.name}`,
        );
        return (j.status?.succeeded ?? 0) >= 1 ? j : undefined;
      }, 120_000);
      expect(done, `job ${job.metadata?.name} succeeded`).toBeDefined();
    }
  });
});
