import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { stateDir } from "../paths.ts";
import type { NodePaths } from "./node-config.ts";

/** Fixed loopback ports, so the kubeconfig and pushed image names stay the same from one `up` to the next. */
export const CLUSTER_PORTS = {
  apiserver: 16443,
  etcdClient: 12379,
  etcdPeer: 12380,
  registry: 5050,
  networkPolicyHealth: 18182,
} as const;

export const CLUSTER_CONTEXT = "sandbox-local";
export const registryAddress = () => `127.0.0.1:${CLUSTER_PORTS.registry}`;

/** Everything of the running cluster lives here and goes with `down`; the registry's storage stays. */
export const clusterDir = () => join(stateDir(), "k8s-cluster");
export const registryStorageDir = () => join(stateDir(), "k8s-registry");

/**
 * IT's policy settings for this cluster (SANDBOX_POLICY_CONFIG): the default registry and the cluster's
 * own, where `sandbox images push` puts the project's images for it.
 */
export const policyConfigPath = () => join(clusterDir(), "it-policy.json");
export const localPolicyConfig = () => ({
  allowedRegistries: ["registry.sandbox.internal", registryAddress()],
});

export function nodePaths(cniBinDir: string): NodePaths & {
  readonly logs: string;
  readonly pki: string;
  readonly etcd: string;
  readonly record: string;
  /** the machine's kernel settings before the node changed them (node-sysctls.ts). */
  readonly sysctls: string;
  readonly kubeconfig: (who: string) => string;
} {
  const dir = clusterDir();
  return {
    dir,
    logs: join(dir, "logs"),
    pki: join(dir, "pki"),
    etcd: join(dir, "etcd"),
    record: join(dir, "cluster.json"),
    sysctls: join(dir, "sysctls.json"),
    kubeconfig: (who) => join(dir, `${who}.kubeconfig`),
    containerdSocket: join(dir, "containerd", "containerd.sock"),
    containerdRoot: join(dir, "containerd", "root"),
    containerdState: join(dir, "containerd", "state"),
    registryHostsDir: join(dir, "containerd", "certs.d"),
    cniConfDir: join(dir, "cni", "net.d"),
    cniBinDir,
    cniDataDir: join(dir, "cni", "ipam"),
    kubeletRoot: join(dir, "kubelet"),
    podLogsDir: join(dir, "pod-logs"),
    caCert: join(dir, "pki", "ca.crt"),
  };
}

const DaemonRecord = z.object({
  name: z.string(),
  pid: z.number().int(),
  program: z.string(),
  log: z.string(),
});

export const ClusterRecord = z.object({
  server: z.string(),
  kubeconfig: z.string(),
  context: z.string(),
  registry: z.string(),
  node: z.string(),
  startedAt: z.string(),
  daemons: z.array(DaemonRecord),
});
export type ClusterRecord = z.infer<typeof ClusterRecord>;

export async function readClusterRecord(path: string): Promise<ClusterRecord | undefined> {
  if (!existsSync(path)) return undefined;
  const parsed = ClusterRecord.safeParse(JSON.parse(await readFile(path, "utf8").catch(() => "{}")));
  return parsed.success ? parsed.data : undefined;
}

export async function writeClusterRecord(path: string, record: ClusterRecord): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, `${JSON.stringify(record, null, 2)}\n`);
}
