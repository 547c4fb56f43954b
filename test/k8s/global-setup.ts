import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { clusterDown, clusterStatus, clusterUp } from "../../sandbox-cli/src/k8s-tier/cluster.ts";
import { nodePaths } from "../../sandbox-cli/src/k8s-tier/cluster-layout.ts";
import { kubernetesProviderPluginStatus } from "../../sandbox-cli/src/k8s-tier/provider-plugin.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";

export interface K8sTierContext {
  readonly server: string;
  readonly kubeconfig: string;
  readonly context: string;
  readonly caCert: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly controllerManager: boolean;
  /** the real node's name (kubelet + containerd). */
  readonly node: string;
  /** HOST:PORT of the registry the node pulls from. */
  readonly registry: string;
  readonly providerInstalled: boolean;
  /** IT's policy settings allowing the cluster's registry (SANDBOX_POLICY_CONFIG for `sandbox up`). */
  readonly policyConfig: string;
  readonly providerReason: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    k8sTier: K8sTierContext;
  }
}

/**
 * The local one-node cluster for the whole tier (`npm run k8s:cluster -- up`): reused when it already
 * runs, else started here and taken down afterwards.
 */
export default async function setup(project: TestProject) {
  const log = createLogger();
  const wasRunning = (await clusterStatus()).running;
  const cluster = await clusterUp(log);
  const provider = await kubernetesProviderPluginStatus(log, { build: false });
  if (!provider.installed) log.warn(`Pulumi-driven k8s tests will be skipped: ${provider.reason}`);
  const pki = nodePaths("").pki;
  project.provide("k8sTier", {
    server: cluster.server ?? "",
    kubeconfig: cluster.kubeconfig ?? "",
    context: cluster.context ?? "",
    caCert: join(pki, "ca.crt"),
    adminCert: join(pki, "admin.crt"),
    adminKey: join(pki, "admin.key"),
    controllerManager: true,
    node: cluster.node ?? "",
    registry: cluster.registry ?? "",
    providerInstalled: provider.installed,
    policyConfig: cluster.policyConfig ?? "",
    providerReason: provider.reason ?? "",
  });
  return async () => {
    if (!wasRunning) await clusterDown(log);
  };
}
