import { chown, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { inject } from "vitest";
import { nodePaths } from "../../sandbox-cli/src/k8s-tier/cluster-layout.ts";
import { KubeClient } from "../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { parseSpecText } from "../../sandbox-cli/src/sandbox-spec/load-spec.ts";
import type { SandboxSpec } from "../../sandbox-cli/src/sandbox-spec/schema.ts";
import { SANDBOX_UID } from "../../stacks/kubernetes/pod-security.ts";

export function tierClient(): KubeClient {
  const tier = inject("k8sTier");
  return new KubeClient({
    server: tier.server,
    caCert: tier.caCert,
    clientCert: tier.adminCert,
    clientKey: tier.adminKey,
  });
}

/** A kubernetes-target spec whose namespace is unique to this run (images from `registry`). */
export function tierSpec(
  name: string,
  candidates = ["reference-lms", "media-nginx"],
  registry = `${inject("k8sTier").registry}/elearning-sandbox`,
): SandboxSpec {
  const tier = inject("k8sTier");
  const text = [
    "apiVersion: elearning-sandbox/v1",
    `name: ${name}`,
    "owner: anna.schmidt@example.com",
    "ttl: 2h",
    "target:",
    "  kind: kubernetes",
    `  kubeconfig: ${tier.kubeconfig}`,
    `  context: ${tier.context}`,
    "  ingressDomain: sandbox.example.internal",
    `  registry: ${registry}`,
    "candidates:",
    ...candidates.map((c) => `  - catalog: ${c}`),
  ].join("\n");
  return parseSpecText(text, "k8s-tier spec").spec;
}

export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}`;

/** Polls `check` once a second until it returns a value, at most `ms`; returns undefined on timeout. */
export async function waitFor<T>(check: () => Promise<T | undefined>, ms: number): Promise<T | undefined> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return undefined;
}

/**
 * No storage provisioner runs on the local node: a pool of hostPath volumes (folders under the
 * cluster's own, owned by the sandbox UID) lets the PV controller bind the stack's claims, as a
 * cluster's storage class would. Returns the PersistentVolume; the folder is made here.
 */
export async function persistentVolume(name: string, poolLabel: string) {
  const path = join(nodePaths("").dir, "volumes", name);
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chown(path, SANDBOX_UID, SANDBOX_UID);
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, labels: { "sandbox.k8s-tier": poolLabel } },
    spec: {
      capacity: { storage: "200Gi" },
      accessModes: ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Retain",
      hostPath: { path, type: "Directory" },
    },
  };
}

/** Removes a volume of the pool and its folder. */
export async function removePersistentVolume(client: KubeClient, name: string) {
  await client.request("DELETE", `/api/v1/persistentvolumes/${name}`);
  await rm(join(nodePaths("").dir, "volumes", name), { recursive: true, force: true });
}

/**
 * The tier has no ingress controller, and Pulumi waits until an Ingress has an address. This plays the controller's one visible part: every Ingress of `namespace` gets the
 * loopback address in its status. Returns the function that stops it.
 */
export function emulateIngressController(client: KubeClient, namespace: string): () => void {
  let stopped = false;
  const path = `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`;
  const tick = async () => {
    while (!stopped) {
      const res = await client.request("GET", path).catch(() => undefined);
      const items = (res?.body.items ?? []) as {
        metadata: { name: string };
        status?: { loadBalancer?: { ingress?: unknown[] } };
      }[];
      for (const ingress of items) {
        if (ingress.status?.loadBalancer?.ingress?.length) continue;
        await client
          .request(
            "PATCH",
            `${path}/${ingress.metadata.name}/status`,
            { status: { loadBalancer: { ingress: [{ ip: "127.0.0.1" }] } } },
            "application/merge-patch+json",
          )
          .catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void tick();
  return () => {
    stopped = true;
  };
}
