import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { KubeObject } from "../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { imagesToPush, pushRecipes } from "../../sandbox-cli/src/runtime/push-image.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";
import { renderKubernetesSandbox } from "../../stacks/kubernetes/render.ts";
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

describe("the sandbox's workloads in real containers on the local node", () => {
  beforeAll(async () => {
    // the cluster pulls the candidates' images from the spec's target.registry, as a company cluster would
    await pushRecipes(imagesToPush(spec), `${tier.registry}/elearning-sandbox`, createLogger());
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
      }, 300_000);
      const pods = await get<{ items: { metadata: { name: string }; status: object }[] }>(
        `/api/v1/namespaces/${namespace}/pods`,
      );
      expect(
        ready,
        `${workload.kind} ${workload.metadata?.name}; pods: ${JSON.stringify(pods.items.map((p) => [p.metadata.name, p.status]))}`,
      ).toBeDefined();
    }
    // real containers: containerd's IDs, never restarted
    const pods = await get<{
      items: {
        status: { containerStatuses?: { containerID?: string; restartCount: number; ready: boolean }[] };
      }[];
    }>(`/api/v1/namespaces/${namespace}/pods`);
    const containers = pods.items.flatMap((p) => p.status.containerStatuses ?? []);
    expect(containers.length).toBeGreaterThanOrEqual(workloads.length);
    for (const c of containers) {
      expect(c.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
      expect(c.restartCount).toBe(0);
    }
  }, 600_000);
});
