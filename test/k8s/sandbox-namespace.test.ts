import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { KubeObject } from "../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { DEFAULT_DENY_POLICY } from "../../stacks/kubernetes/namespace-manifests.ts";
import { renderKubernetesSandbox } from "../../stacks/kubernetes/render.ts";
import { tierClient, tierSpec, uniqueName, waitFor } from "./helpers.ts";

const client = tierClient();
const { controllerManager } = inject("k8sTier");
const spec = tierSpec(uniqueName("tier"));
const objects = renderKubernetesSandbox({ spec, createdAt: new Date() }) as KubeObject[];
const namespace = objects.find((o) => o.kind === "Namespace")?.metadata?.name ?? "";
const nsPath = `/api/v1/namespaces/${namespace}`;

/** A pod that satisfies the restricted profile; `overrides` break it on purpose. */
function pod(name: string, containers: Record<string, unknown>[], spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
      ...spec,
      containers,
    },
  };
}
const restrictedContainer = (
  name: string,
  resources: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) => ({
  name,
  image: "registry.sandbox.internal/probe:1",
  resources,
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  ...extra,
});

beforeAll(async () => {
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
  await client.request("DELETE", nsPath);
});

describe("a rendered kubernetes sandbox on a real API server", () => {
  it("labels the namespace with the sandbox keys and pod-security restricted", async () => {
    const ns = (await client.get(nsPath)) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(ns.metadata.labels).toMatchObject({
      "sandbox.name": spec.name,
      "sandbox.owner": "anna.schmidt_at_example.com",
      "pod-security.kubernetes.io/enforce": "restricted",
    });
    expect(ns.metadata.labels["sandbox.expires-at"]).toMatch(/^\d{8}T\d{6}Z$/);
    expect(ns.metadata.annotations["sandbox.owner"]).toBe("anna.schmidt@example.com");
  });

  it("stores the quota, the limit range and every network policy as rendered", async () => {
    const quota = (await client.get(`${nsPath}/resourcequotas/sandbox-quota`)) as {
      spec: { hard: Record<string, string> };
    };
    expect(quota.spec.hard).toMatchObject({
      "limits.cpu": "8",
      "services.nodeports": "0",
      "services.loadbalancers": "0",
    });
    const limits = (await client.get(`${nsPath}/limitranges/sandbox-limits`)) as {
      spec: { limits: { max: object }[] };
    };
    expect(limits.spec.limits[0]?.max).toEqual({ cpu: "4", memory: "8Gi" });
    const policies = (await client.get(
      `/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies`,
    )) as {
      items: { metadata: { name: string } }[];
    };
    const rendered = objects.filter((o) => o.kind === "NetworkPolicy").map((o) => o.metadata?.name);
    expect(policies.items.map((p) => p.metadata.name).sort()).toEqual([...rendered].sort());
    expect(rendered).toContain(DEFAULT_DENY_POLICY);
  });

  it("stores every rendered object under its sandbox labels", async () => {
    for (const object of objects) {
      const path = await client.pathOf(
        object.apiVersion,
        object.kind,
        object.metadata?.namespace,
        object.metadata?.name,
      );
      const stored = (await client.get(path)) as { metadata: { labels?: Record<string, string> } };
      expect(stored.metadata.labels?.["sandbox.name"], `${object.kind}/${object.metadata?.name}`).toBe(
        spec.name,
      );
    }
  });

  it("rejects a privileged pod through PodSecurity admission", async () => {
    const res = await client.request(
      "POST",
      `${nsPath}/pods`,
      pod("privileged-probe", [restrictedContainer("main", {}, { securityContext: { privileged: true } })]),
    );
    expect(res.status).toBe(403);
    expect(String(res.body.message)).toMatch(/violates PodSecurity "restricted:latest".*privileged/);
  });

  it("rejects a pod running as root through PodSecurity admission", async () => {
    const res = await client.request(
      "POST",
      `${nsPath}/pods`,
      pod("root-probe", [restrictedContainer("main", {})], {
        securityContext: { runAsNonRoot: false, runAsUser: 0 },
      }),
    );
    expect(res.status).toBe(403);
    expect(String(res.body.message)).toMatch(/violates PodSecurity.*runAsNonRoot/);
  });

  it.skipIf(!controllerManager)("rejects a pod asking for more than the namespace quota", async () => {
    const big = { requests: { cpu: "4", memory: "8Gi" }, limits: { cpu: "4", memory: "8Gi" } };
    const containers = ["a", "b", "c"].map((n) => restrictedContainer(n, big));
    const overQuota = pod("over-quota-probe", containers);
    // The quota controller fills in usage first; until then admission refuses every pod as "status unknown".
    const res = await waitFor(async () => {
      const r = await client.request("POST", `${nsPath}/pods`, overQuota);
      return /status unknown/.test(String(r.body.message)) ? undefined : r;
    }, 60_000);
    expect(res?.status).toBe(403);
    expect(String(res?.body.message)).toMatch(/exceeded quota: sandbox-quota/);
  });

  it.skipIf(!controllerManager)("rejects a NodePort service through the quota", async () => {
    const service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "nodeport-probe", namespace },
      spec: { type: "NodePort", selector: { app: "x" }, ports: [{ port: 80 }] },
    };
    const res = await waitFor(async () => {
      const r = await client.request("POST", `${nsPath}/services`, service);
      return /status unknown/.test(String(r.body.message)) ? undefined : r;
    }, 60_000);
    expect(res?.status).toBe(403);
    expect(String(res?.body.message)).toMatch(/exceeded quota: sandbox-quota.*services.nodeports/);
  });

  it.skipIf(!controllerManager)(
    "lets the controllers create every workload's pods under restricted and the quota",
    async () => {
      const deployments = objects.filter((o) => o.kind === "Deployment");
      expect(deployments.length).toBeGreaterThan(0);
      for (const deployment of deployments) {
        const name = deployment.metadata?.name ?? "";
        const created = await waitFor(async () => {
          const d = (await client.get(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`)) as {
            spec: { replicas: number };
            status?: { replicas?: number };
          };
          return (d.status?.replicas ?? 0) >= d.spec.replicas ? d : undefined;
        }, 90_000);
        const sets = (await client.get(`/apis/apps/v1/namespaces/${namespace}/replicasets`)) as {
          items: { status?: { conditions?: { type: string; message?: string }[] } }[];
        };
        const failures = sets.items
          .flatMap((s) => s.status?.conditions ?? [])
          .filter((c) => c.type === "ReplicaFailure");
        expect(failures.map((f) => f.message)).toEqual([]);
        expect(created, `deployment ${name} got its pods`).toBeDefined();
      }
    },
  );

  it.skipIf(!controllerManager)("removes the namespace and everything in it when it is deleted", async () => {
    const res = await client.request("DELETE", nsPath);
    expect([200, 202]).toContain(res.status);
    const gone = await waitFor(
      async () => ((await client.request("GET", nsPath)).status === 404 ? true : undefined),
      120_000,
    );
    expect(gone).toBe(true);
  });
});
