import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { KubeObject } from "../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { LOAD_RUNNER_IMAGE } from "../../sandbox-cli/src/loadtest/runners.ts";
import { runScriptLoad } from "../../sandbox-cli/src/loadtest/script-run.ts";
import { pushRecipes } from "../../sandbox-cli/src/runtime/push-image.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";
import { restrictedContainerSecurity, restrictedPodSettings } from "../../stacks/kubernetes/pod-security.ts";
import { renderKubernetesSandbox } from "../../stacks/kubernetes/render.ts";
import { sandboxIdentity } from "../../stacks/kubernetes/sandbox.ts";
import { tierClient, tierSpec, uniqueName, waitFor } from "./helpers.ts";

const tier = inject("k8sTier");
const client = tierClient();
const spec = tierSpec(uniqueName("jobs"));
const createdAt = new Date();
const GUARD_KINDS = new Set(["Namespace", "ResourceQuota", "LimitRange", "NetworkPolicy", "ServiceAccount"]);
const guard = renderKubernetesSandbox({ spec, createdAt }).filter((o) =>
  GUARD_KINDS.has(o.kind),
) as KubeObject[];
const namespace = guard.find((o) => o.kind === "Namespace")?.metadata?.name ?? "";
const SCRIPT = join(import.meta.dirname, "..", "fixtures", "k6-scripts", "executors.ts");
let image = "";

/** Counts the requests it answers and logs the running total: what really arrived, seen from the server. */
const COUNTING_SERVER = `let n = 0; let shown = -1;
require("http").createServer((q, s) => { n++; s.end("ok"); }).listen(8080);
setInterval(() => { if (n !== shown) { shown = n; console.log("count " + n); } }, 500);`;

function serverObjects() {
  const labels = { app: "echo" };
  return [
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "echo", namespace, labels },
      spec: {
        ...restrictedPodSettings("default"),
        containers: [
          {
            name: "echo",
            image,
            command: ["node", "-e", COUNTING_SERVER],
            securityContext: restrictedContainerSecurity,
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
            resources: {
              requests: { cpu: "100m", memory: "64Mi" },
              limits: { cpu: "500m", memory: "128Mi" },
            },
          },
        ],
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "echo", namespace },
      spec: { selector: labels, ports: [{ port: 8080, targetPort: 8080 }] },
    },
  ] as KubeObject[];
}

async function serverCount(): Promise<number> {
  const res = await client.request("GET", `/api/v1/namespaces/${namespace}/pods/echo/log`);
  const lines = String(res.body.text ?? "")
    .trim()
    .split("\n");
  return Number(lines.at(-1)?.replace("count ", "") ?? Number.NaN);
}

async function runOnJobs(runners: number) {
  const before = await serverCount().catch(() => 0);
  const host = `echo.${namespace}.svc.cluster.local:8080`;
  const run = await runScriptLoad({
    script: SCRIPT,
    env: { BASE_URL: `http://${host}` },
    allowHosts: [host],
    runners,
    name: namespace,
    log: createLogger(),
    kubernetes: {
      client,
      namespace,
      identity: sandboxIdentity(spec, createdAt),
      image,
      podStartS: 20,
      resources: { cpu: 0.5, memoryMb: 256 },
    },
  });
  // the server logs its total every 500 ms
  await new Promise((r) => setTimeout(r, 1500));
  return { run, arrived: (await serverCount()) - (Number.isFinite(before) ? before : 0) };
}

beforeAll(async () => {
  const [pushed] = await pushRecipes(
    [LOAD_RUNNER_IMAGE],
    `${tier.registry}/elearning-sandbox`,
    createLogger(),
  );
  image = pushed?.pushed.at(-1) ?? "";
  for (const object of [...guard, ...serverObjects()]) {
    const res = await client.apply(object);
    if (res.status >= 300) throw new Error(`${object.kind}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
  const ready = await waitFor(async () => {
    const pod = (await client.get(`/api/v1/namespaces/${namespace}/pods/echo`)) as {
      status: { conditions?: { type: string; status: string }[] };
    };
    return pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ? true : undefined;
  }, 150_000);
  expect(ready, "the counting server's pod became Ready").toBe(true);
}, 600_000);

afterAll(async () => {
  await client.request("DELETE", `/api/v1/namespaces/${namespace}`);
});

describe("a load test on runner Jobs in the sandbox's namespace", () => {
  it.each([1, 3])(
    "splits the script over %i Job(s) and merges every raw sample exactly",
    async (runners) => {
      const { run, arrived } = await runOnJobs(runners);
      expect(run.samplePaths).toHaveLength(runners);
      // executors.ts's thresholds: exact iteration counts of the shared and per-VU scenarios, whatever the split
      expect(run.thresholds.filter((t) => !t.ok)).toEqual([]);
      expect(run.passed).toBe(true);
      const requests = run.merged.metrics.get("http_reqs")?.count ?? 0;
      // 10 shared + 12 per-VU iterations + 20 at a constant and 10 at a ramping arrival rate
      expect(requests).toBe(52);
      // what the runners counted is what reached the server, request for request
      expect(arrived).toBe(requests);
      // the Jobs and their Secret are gone afterwards
      const jobs = (await client.get(`/apis/batch/v1/namespaces/${namespace}/jobs`)) as { items: unknown[] };
      expect(jobs.items).toHaveLength(0);
    },
    600_000,
  );
});
