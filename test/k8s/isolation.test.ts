import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CLUSTER_PORTS } from "../../sandbox-cli/src/k8s-tier/cluster-layout.ts";
import type { KubeObject } from "../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { POD_GATEWAY } from "../../sandbox-cli/src/k8s-tier/node-config.ts";
import { LOAD_RUNNER_IMAGE } from "../../sandbox-cli/src/loadtest/runners.ts";
import { pushRecipes } from "../../sandbox-cli/src/runtime/push-image.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";
import { restrictedContainerSecurity, restrictedPodSettings } from "../../stacks/kubernetes/pod-security.ts";
import { renderKubernetesSandbox } from "../../stacks/kubernetes/render.ts";
import { tierClient, tierSpec, uniqueName, waitFor } from "./helpers.ts";

const tier = inject("k8sTier");
const client = tierClient();
/** The guarded namespace of a rendered sandbox, without its candidates. */
const GUARD_KINDS = new Set(["Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy", "ServiceAccount"]);
const sandboxes = ["iso-a", "iso-b"].map((prefix) => {
  const objects = renderKubernetesSandbox({
    spec: tierSpec(uniqueName(prefix)),
    createdAt: new Date(),
  }) as KubeObject[];
  const namespace = objects.find((o) => o.kind === "Namespace")?.metadata?.name ?? "";
  return { namespace, objects: objects.filter((o) => GUARD_KINDS.has(o.kind)) };
});
const [a, b] = sandboxes as [(typeof sandboxes)[0], (typeof sandboxes)[0]];
const open = uniqueName("iso-open");
let image = "";

/** A restricted pod running one node script; `labels` make it the sandbox's "LMS". */
function nodePod(namespace: string, name: string, script: string, restartPolicy: string, labels = {}) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels },
    spec: {
      ...restrictedPodSettings("default"),
      restartPolicy,
      containers: [
        {
          name: "main",
          image,
          command: ["node", "-e", script],
          securityContext: restrictedContainerSecurity,
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
        },
      ],
    },
  };
}

const SERVER =
  "require('net').createServer((s) => s.end('pong ' + process.env.HOSTNAME + '\\n')).listen(8080)";
/** Connects to host:port and prints what came back, or why nothing did (bounded: 5 s). */
const probe = (host: string, port: number) =>
  `const s = require('net').connect(${port}, '${host}'); let got = ''; s.setTimeout(5000);
   s.on('data', (d) => (got += d)); s.on('end', () => console.log('answered ' + got.trim()));
   s.on('connect', () => { if (${port} !== 8080) { console.log('connected'); s.destroy(); } });
   s.on('timeout', () => { console.log('blocked: timeout'); s.destroy(); });
   s.on('error', (e) => console.log('blocked: ' + e.code));`;

async function podIp(namespace: string, name: string): Promise<string> {
  const ip = await waitFor(async () => {
    const pod = (await client.get(`/api/v1/namespaces/${namespace}/pods/${name}`)) as {
      status: { podIP?: string; conditions?: { type: string; status: string }[] };
    };
    const ready = pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    return ready ? pod.status.podIP : undefined;
  }, 150_000);
  if (!ip) throw new Error(`pod ${namespace}/${name} did not become Ready`);
  return ip;
}

/** Runs a probe pod to completion and returns its one line of output. */
async function probeFrom(namespace: string, host: string, port: number): Promise<string> {
  const name = uniqueName("probe");
  const res = await client.request(
    "POST",
    `/api/v1/namespaces/${namespace}/pods`,
    nodePod(namespace, name, probe(host, port), "Never"),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const path = `/api/v1/namespaces/${namespace}/pods/${name}`;
  await waitFor(async () => {
    const pod = (await client.get(path)) as { status: { phase?: string } };
    return pod.status.phase === "Succeeded" || pod.status.phase === "Failed" ? true : undefined;
  }, 150_000);
  const log = await client.request("GET", `${path}/log`);
  return String(log.body.text ?? JSON.stringify(log.body)).trim();
}

beforeAll(async () => {
  const [pushed] = await pushRecipes(
    [LOAD_RUNNER_IMAGE],
    `${tier.registry}/elearning-sandbox`,
    createLogger(),
  );
  image = pushed?.pushed[0] ?? "";
  for (const object of sandboxes.flatMap((s) => s.objects)) {
    const res = await client.apply(object);
    if (res.status >= 300) throw new Error(`${object.kind}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
  await client.request("POST", "/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: open },
  });
  for (const ns of [a.namespace, b.namespace, open]) {
    await waitFor(
      async () =>
        (await client.request("GET", `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200
          ? true
          : undefined,
      60_000,
    );
  }
  for (const s of [a, b]) {
    const res = await client.request(
      "POST",
      `/api/v1/namespaces/${s.namespace}/pods`,
      nodePod(s.namespace, "lms", SERVER, "Always", { app: "lms" }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});

afterAll(async () => {
  for (const ns of [a.namespace, b.namespace, open])
    await client.request("DELETE", `/api/v1/namespaces/${ns}`);
});

describe("isolation between sandboxes, with real packets between real pods", () => {
  it("lets a pod reach its own sandbox's LMS", async () => {
    const ip = await podIp(b.namespace, "lms");
    expect(await probeFrom(b.namespace, ip, 8080)).toBe(`answered pong lms`);
  });

  it("keeps a pod of sandbox A from opening a connection to sandbox B's LMS", async () => {
    const ip = await podIp(b.namespace, "lms");
    // the same pod answers its own sandbox at the same moment, so only the policy stands in the way
    // (a namespace without policies is refused too: B's ingress policy admits only its own namespace,
    // the ingress controller and IT's monitoring)
    expect(await probeFrom(b.namespace, ip, 8080)).toBe("answered pong lms");
    expect(await probeFrom(open, ip, 8080)).toMatch(/^blocked: /);
    expect(await probeFrom(a.namespace, ip, 8080)).toMatch(/^blocked: /);
  });

  it("keeps a sandbox's pods from leaving it (egress to the node's address is denied)", async () => {
    const port = CLUSTER_PORTS.apiserver;
    expect(await probeFrom(open, POD_GATEWAY, port)).toBe("connected");
    expect(await probeFrom(a.namespace, POD_GATEWAY, port)).toMatch(/^blocked: /);
  });
});
