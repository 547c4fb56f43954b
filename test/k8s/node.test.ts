import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pushImage } from "../../sandbox-cli/src/runtime/push-image.ts";
import { BASE_IMAGE } from "../../sandbox-cli/src/toolchain.ts";
import { tierClient, uniqueName, waitFor } from "./helpers.ts";

const tier = inject("k8sTier");
const client = tierClient();
const namespace = uniqueName("node");
let image = "";

interface PodStatus {
  phase?: string;
  podIP?: string;
  containerStatuses?: { containerID?: string; restartCount: number }[];
}

function shellPod(name: string, script: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: {
      restartPolicy: "Never",
      containers: [{ name: "main", image, command: ["/bin/bash", "-c", script] }],
    },
  };
}

async function runToCompletion(name: string, script: string): Promise<{ status: PodStatus; log: string }> {
  const created = await client.request(
    "POST",
    `/api/v1/namespaces/${namespace}/pods`,
    shellPod(name, script),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const path = `/api/v1/namespaces/${namespace}/pods/${name}`;
  const done = await waitFor(async () => {
    const pod = (await client.get(path)) as { status: PodStatus };
    return pod.status.phase === "Succeeded" || pod.status.phase === "Failed" ? pod.status : undefined;
  }, 150_000);
  const res = await client.request("GET", `${path}/log`, undefined, "text/plain");
  return {
    status: done ?? {},
    log: typeof res.body.text === "string" ? res.body.text : JSON.stringify(res.body),
  };
}

beforeAll(async () => {
  image = await pushImage(BASE_IMAGE, `${tier.registry}/${BASE_IMAGE}`);
  await client.request("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace },
  });
  // pods are refused until the namespace's default service account exists
  await waitFor(async () => {
    const res = await client.request("GET", `/api/v1/namespaces/${namespace}/serviceaccounts/default`);
    return res.status === 200 ? true : undefined;
  }, 60_000);
});

afterAll(async () => {
  await client.request("DELETE", `/api/v1/namespaces/${namespace}`);
});

describe("the local cluster's real node", () => {
  it("is Ready", async () => {
    const node = (await client.get(`/api/v1/nodes/${tier.node}`)) as {
      status: {
        conditions: { type: string; status: string }[];
        nodeInfo: { containerRuntimeVersion: string };
      };
    };
    expect(node.status.conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(node.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\/2\./);
  });

  it("pulls an image from the local registry and runs it in a real container", async () => {
    // the kubelet expands $(VAR) in a container's command and turns $$ into $: so $$$$ reaches the shell as $$
    const { status, log } = await runToCompletion("hello", 'echo "hello from $$(hostname) pid $$$$"');
    expect(status.phase).toBe("Succeeded");
    expect(status.containerStatuses?.[0]?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(log).toContain("hello from hello pid 1");
  });

  it("resolves cluster names through CoreDNS", async () => {
    const { status, log } = await runToCompletion("dns", "getent hosts kubernetes.default.svc.cluster.local");
    expect(log).toMatch(/^10\.96\.0\.1\s+kubernetes\.default\.svc\.cluster\.local/);
    expect(status.phase).toBe("Succeeded");
  });
});
