/**
 * The one-node cluster of `npm run k8s:cluster -- up|down|status`: etcd, the control plane, containerd,
 * the kubelet, kube-proxy, CoreDNS, NetworkPolicies and a registry on 127.0.0.1 (the node on its pod
 * bridge), as detached processes recorded
 * in `cluster.json` so a later `down` or `status` finds them.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { infrastructureError } from "../errors.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import {
  CLUSTER_CONTEXT,
  CLUSTER_PORTS,
  type ClusterRecord,
  localPolicyConfig,
  policyConfigPath,
  nodePaths,
  readClusterRecord,
  registryAddress,
  writeClusterRecord,
} from "./cluster-layout.ts";
import {
  bridgeApiServer,
  createBridge,
  nodeReady,
  pushSystemImages,
  type Starting,
  startContainerd,
  startControlPlane,
  startDns,
  startNetworkPolicies,
  startNode,
  startRegistry,
  startStorage,
  writeKubeconfig,
} from "./cluster-start.ts";
import { isRunning, stopDaemon } from "./daemons.ts";
import { KubeClient } from "./kube-client.ts";
import { cleanupNode } from "./node-cleanup.ts";
import { NODE_NAME } from "./node-config.ts";
import { restoreSysctls, saveSysctls } from "./node-sysctls.ts";
import { ensureClusterBinaries } from "./node-toolchain.ts";
import { createClusterPki } from "./pki.ts";

export interface ClusterStatus {
  readonly running: boolean;
  readonly context?: string;
  readonly kubeconfig?: string;
  readonly server?: string;
  readonly registry?: string;
  readonly node?: string;
  readonly nodeReady?: boolean;
  /** IT's policy settings that allow the cluster's registry (export as SANDBOX_POLICY_CONFIG). */
  readonly policyConfig?: string;
  readonly daemons: { name: string; pid: number; running: boolean; log: string }[];
}

export async function clusterStatus(): Promise<ClusterStatus> {
  const record = await readClusterRecord(nodePaths("").record);
  if (!record) return { running: false, daemons: [] };
  const daemons = record.daemons.map((d) => ({
    name: d.name,
    pid: d.pid,
    running: isRunning(d),
    log: d.log,
  }));
  const p = nodePaths("");
  const client = new KubeClient({
    server: record.server,
    caCert: p.caCert,
    clientCert: join(p.pki, "admin.crt"),
    clientKey: join(p.pki, "admin.key"),
  });
  const ready = await nodeReady(client).catch(() => false);
  return {
    ...record,
    running: daemons.every((d) => d.running) && ready,
    nodeReady: ready,
    ...(existsSync(policyConfigPath()) ? { policyConfig: policyConfigPath() } : {}),
    daemons,
  };
}

/** Starts the whole cluster unless it already runs (then it only reports it). */
export async function clusterUp(log: Logger): Promise<ClusterStatus> {
  const current = await clusterStatus();
  if (current.running) return current;
  if (current.daemons.length > 0 || existsSync(nodePaths("").dir)) await clusterDown(log);
  const bins = await ensureClusterBinaries(log);
  const paths = nodePaths(bins.cniBinDir);
  for (const d of [paths.logs, paths.pki, paths.kubeletRoot, paths.podLogsDir])
    await mkdir(d, { recursive: true });
  await mkdir(paths.etcd, { recursive: true, mode: 0o700 });
  await saveSysctls(paths.sysctls);
  await writeFile(policyConfigPath(), `${JSON.stringify(localPolicyConfig(), null, 2)}\n`);
  const pki = await log.step("create the cluster's certificates", () =>
    createClusterPki(paths.pki, NODE_NAME),
  );
  const client = new KubeClient({
    server: `https://127.0.0.1:${CLUSTER_PORTS.apiserver}`,
    caCert: pki.caCert,
    clientCert: pki.adminCert,
    clientKey: pki.adminKey,
  });
  const s: Starting = { paths, bins, pki, client, daemons: [], log };
  const record = async () =>
    writeClusterRecord(paths.record, {
      server: `https://127.0.0.1:${CLUSTER_PORTS.apiserver}`,
      kubeconfig: paths.kubeconfig("admin"),
      context: CLUSTER_CONTEXT,
      registry: registryAddress(),
      node: NODE_NAME,
      startedAt: new Date().toISOString(),
      daemons: s.daemons,
    });
  try {
    await writeKubeconfig(s, "admin", "sandbox-local-admin", pki.adminCert, pki.adminKey);
    await startRegistry(s);
    await record();
    const images = await pushSystemImages(s);
    await createBridge();
    await startControlPlane(s);
    await bridgeApiServer(s);
    await record();
    await startContainerd(s, images.pause);
    await record();
    await startNode(s);
    await record();
    await startNetworkPolicies(s);
    await record();
    await startDns(s, images.base);
    await startStorage(s, images.base);
    await record();
  } catch (error) {
    await record();
    throw error;
  }
  return clusterStatus();
}

/** The order processes stop in: the node first (its pods are gone before containerd), storage last. */
const STOP_ORDER = [
  "storage-provisioner",
  "network-policies",
  "kube-proxy",
  "kubelet",
  "containerd",
  "apiserver-bridge",
  "kube-scheduler",
  "kube-controller-manager",
  "kube-apiserver",
  "etcd",
  "registry",
];

/** Stops every process of the cluster and removes what the node left (pods, mounts, bridge, rules). */
export async function clusterDown(log: Logger): Promise<void> {
  const paths = nodePaths("");
  const record = await readClusterRecord(paths.record);
  const daemons = [...(record?.daemons ?? [])].sort(
    (a, b) => STOP_ORDER.indexOf(a.name) - STOP_ORDER.indexOf(b.name),
  );
  const containerd = daemons.find((d) => d.name === "containerd");
  await log.step("stop the cluster's processes", async () => {
    for (const d of daemons) {
      if (d.name === "containerd" && isRunning(d)) await removeAllTasks(d.program, paths.containerdSocket);
      await stopDaemon(d);
    }
  });
  const proxy = daemons.find((d) => d.name === "kube-proxy");
  if (proxy) await runProgram(proxy.program, ["--cleanup"], { timeout: 60_000 }).catch(() => undefined);
  const restored = await restoreSysctls(paths.sysctls);
  if (restored.length) log.info(`kernel settings put back as they were: ${restored.join(", ")}`);
  const shim = containerd ? join(containerd.program, "..", "containerd-shim-runc-v2") : undefined;
  await log.step("remove pods, mounts, the pod bridge and iptables chains", () =>
    cleanupNode(paths.dir, shim),
  );
  const left = daemons.filter((d) => isRunning(d));
  if (left.length > 0) {
    throw infrastructureError(
      "K8S_CLUSTER_STOP_FAILED",
      `still running: ${left.map((d) => `${d.name} (pid ${d.pid})`).join(", ")}`,
      "kill them by pid",
    );
  }
}

/** Kills and deletes every container of the kubelet's namespace, so each shim exits with its task. */
async function removeAllTasks(containerd: string, socket: string): Promise<void> {
  const ctr = (args: string[]) =>
    runProgram(join(containerd, "..", "ctr"), ["--address", socket, "-n", "k8s.io", ...args], {
      timeout: 60_000,
    });
  const tasks = (await ctr(["tasks", "ls", "-q"]).catch(() => ({ stdout: "" }))).stdout
    .split("\n")
    .filter(Boolean);
  for (const id of tasks) {
    await ctr(["tasks", "kill", "-s", "SIGKILL", id]).catch(() => undefined);
    await ctr(["tasks", "delete", "-f", id]).catch(() => undefined);
  }
  const containers = (await ctr(["containers", "ls", "-q"]).catch(() => ({ stdout: "" }))).stdout
    .split("\n")
    .filter(Boolean);
  for (const id of containers) await ctr(["containers", "delete", id]).catch(() => undefined);
}

export type { ClusterRecord };
