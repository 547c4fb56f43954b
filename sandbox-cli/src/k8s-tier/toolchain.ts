import { aptInstall } from "../setup/apt.ts";
import { hasProgram, runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { ensureKubernetesBinaries } from "./build-kubernetes.ts";
import { ensureKwok } from "./build-kwok.ts";
import type { ControlPlaneBinaries } from "./control-plane.ts";
import { kubernetesProviderPluginStatus, type ProviderPluginStatus } from "./provider-plugin.ts";
import { ETCD_PACKAGE } from "./versions.ts";

export interface TierToolchain {
  readonly binaries: ControlPlaneBinaries;
  readonly provider: ProviderPluginStatus;
}

async function ensureEtcd(log: Logger): Promise<string> {
  if (!(await hasProgram("etcd")))
    await aptInstall([ETCD_PACKAGE], log, "the k8s test tier's API server storage");
  const { stdout } = await runProgram("sh", ["-c", "command -v etcd"]);
  return stdout.trim();
}

/**
 * Everything the real-cluster tier needs, built or installed on first use and cached per machine:
 * etcd (Debian), kube-apiserver, kube-controller-manager, kube-scheduler and kwok (Go modules), and the provider plugin's status.
 */
export async function ensureTierToolchain(log: Logger): Promise<TierToolchain> {
  const etcd = await ensureEtcd(log);
  const kube = await ensureKubernetesBinaries(log);
  const kwok = await ensureKwok(log);
  const provider = await kubernetesProviderPluginStatus(log);
  if (!provider.installed) log.warn(`Pulumi-driven k8s tests will be skipped: ${provider.reason}`);
  return {
    binaries: {
      etcd,
      kubeApiserver: kube["kube-apiserver"],
      kubeControllerManager: kube["kube-controller-manager"],
      kubeScheduler: kube["kube-scheduler"],
      kwok: kwok.binary,
      kwokStages: kwok.stages,
    },
    provider,
  };
}
