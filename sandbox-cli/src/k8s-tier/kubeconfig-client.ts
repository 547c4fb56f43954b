/** A KubeClient for a context of any kubeconfig file (client certificates, a token or an exec plugin). */
import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import { loadKubeConfig } from "../runtime/kube.ts";
import { KubeClient } from "./kube-client.ts";

const asBuffer = (value: unknown) =>
  value === undefined || value === null ? undefined : Buffer.from(value as string | Buffer);

/** The plain REST client over a loaded kubeconfig's current context (its TLS material and bearer token). */
export async function kubeClientFor(config: KubeConfig): Promise<KubeClient> {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error("the kubeconfig has no current cluster");
  // certificate files are read relative to the kubeconfig's folder (loadFromFile made the paths absolute)
  const options: RequestOptions = {};
  await config.applyToHTTPSOptions(options);
  const authorization = String((options.headers as Record<string, unknown> | undefined)?.Authorization ?? "");
  const token = authorization.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : undefined;
  const ca = asBuffer(options.ca);
  const cert = asBuffer(options.cert);
  const key = asBuffer(options.key);
  return new KubeClient({
    server: cluster.server,
    pem: { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) },
    ...(token ? { token } : {}),
  });
}

export async function kubeClientFromKubeconfig(path: string, context?: string): Promise<KubeClient> {
  return kubeClientFor(loadKubeConfig(path, context));
}
