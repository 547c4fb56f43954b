import { inject } from "vitest";
import { KubeClient } from "../../sandbox-cli/src/k8s-tier/kube-client.ts";
import { parseSpecText } from "../../sandbox-cli/src/spec/load-spec.ts";
import type { SandboxSpec } from "../../sandbox-cli/src/spec/schema.ts";

export function tierClient(): KubeClient {
  const tier = inject("k8sTier");
  return new KubeClient({
    server: tier.server,
    caCert: tier.caCert,
    clientCert: tier.adminCert,
    clientKey: tier.adminKey,
  });
}

/** A kubernetes-target spec whose namespace is unique to this run. */
export function tierSpec(name: string, candidates = ["reference-lms", "moodle", "media-nginx"]): SandboxSpec {
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
