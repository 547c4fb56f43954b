import { aptInstall } from "../setup/apt.ts";
import { hasProgram, runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { ensureKubernetesBinaries } from "./build-kubernetes.ts";
import { ensureGoMainTool, MAIN_TOOLS } from "./go-main-tools.ts";
import { ensureGoTool, NODE_TOOLS } from "./go-tools.ts";
import { ETCD_PACKAGE, RUNC_PACKAGE } from "./versions.ts";

/** Every program of the one-node cluster, by role (absolute paths or .tools/bin links). */
export interface ClusterBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubelet: string;
  readonly kubeProxy: string;
  readonly containerd: string;
  readonly ctr: string;
  readonly runc: string;
  readonly cniBinDir: string;
  /** the folder holding the CoreDNS binary (the CoreDNS pod mounts it). */
  readonly corednsDir: string;
  readonly socat: string;
  readonly kubeRouter: string;
  readonly registry: string;
  readonly storageProvisioner: string;
}

/** Debian packages the node needs: etcd, runc, and the programs the CNI plugins and kube-proxy call. */
const DEBIAN = [
  { program: "etcd", pkg: ETCD_PACKAGE },
  { program: "runc", pkg: RUNC_PACKAGE },
  { program: "iptables", pkg: "iptables" },
  { program: "ipset", pkg: "ipset" },
  { program: "conntrack", pkg: "conntrack" },
  // forwards the pod bridge's address to the API server on 127.0.0.1
  { program: "socat", pkg: "socat" },
] as const;

const which = async (program: string) =>
  (await runProgram("sh", ["-c", `command -v ${program}`])).stdout.trim();

/** Builds (first run only) or installs every part of the cluster and returns where each one is. */
export async function ensureClusterBinaries(log: Logger): Promise<ClusterBinaries> {
  const missing = [];
  for (const d of DEBIAN) if (!(await hasProgram(d.program))) missing.push(d.pkg);
  await aptInstall(missing, log, "the local Kubernetes node");
  const kube = await ensureKubernetesBinaries(log);
  const containerd = await ensureGoTool(NODE_TOOLS.containerd, log);
  const cni = await ensureGoTool(NODE_TOOLS.cni, log);
  const coredns = await ensureGoMainTool(MAIN_TOOLS.coredns, log);
  const registry = await ensureGoMainTool(MAIN_TOOLS.registry, log);
  return {
    etcd: await which("etcd"),
    kubeApiserver: kube["kube-apiserver"],
    kubeControllerManager: kube["kube-controller-manager"],
    kubeScheduler: kube["kube-scheduler"],
    kubelet: kube.kubelet,
    kubeProxy: kube["kube-proxy"],
    containerd: `${containerd}/containerd`,
    ctr: `${containerd}/ctr`,
    runc: await which("runc"),
    cniBinDir: cni,
    corednsDir: coredns,
    socat: await which("socat"),
    kubeRouter: `${await ensureGoTool(NODE_TOOLS.networkPolicies, log)}/kube-router`,
    registry: `${registry}/registry`,
    storageProvisioner: `${await ensureGoTool(NODE_TOOLS.storage, log)}/local-path-provisioner`,
  };
}
