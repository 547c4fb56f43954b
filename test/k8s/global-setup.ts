import type { TestProject } from "vitest/node";
import { type RunningControlPlane, startControlPlane } from "../../sandbox-cli/src/k8s-tier/control-plane.ts";
import { ensureTierToolchain } from "../../sandbox-cli/src/k8s-tier/toolchain.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";

export interface K8sTierContext {
  readonly server: string;
  readonly kubeconfig: string;
  readonly context: string;
  readonly caCert: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly controllerManager: boolean;
  /** the kwok node's name when kube-scheduler and kwok run; empty otherwise. */
  readonly kwokNode: string;
  readonly providerInstalled: boolean;
  readonly providerReason: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    k8sTier: K8sTierContext;
  }
}

let plane: RunningControlPlane | undefined;

/** One control plane for the whole tier: starting kube-apiserver costs tens of seconds on two cores. */
export default async function setup(project: TestProject) {
  const log = createLogger();
  const toolchain = await ensureTierToolchain(log);
  plane = await startControlPlane(toolchain.binaries, log);
  project.provide("k8sTier", {
    server: plane.server,
    kubeconfig: plane.kubeconfig,
    context: plane.context,
    caCert: plane.pki.caCert,
    adminCert: plane.pki.adminCert,
    adminKey: plane.pki.adminKey,
    controllerManager: plane.controllerManager,
    kwokNode: plane.kwokNode ?? "",
    providerInstalled: toolchain.provider.installed,
    providerReason: toolchain.provider.reason ?? "",
  });
  return async () => {
    await plane?.stop();
  };
}
