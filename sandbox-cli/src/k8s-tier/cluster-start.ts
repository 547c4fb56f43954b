/** The steps that start the one-node cluster's processes, in the order `clusterUp` runs them. */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ensureImage } from "../runtime/images.ts";
import { pushImage } from "../runtime/push-image.ts";
import { BASE_IMAGE } from "../toolchain.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { CLUSTER_DNS_IP, clusterDnsManifests, kubernetesEndpoints } from "./cluster-dns.ts";
import { clusterStorageManifests, STORAGE_CLASS, storageProvisionerArgs } from "./cluster-storage.ts";
import {
  CLUSTER_CONTEXT,
  CLUSTER_PORTS,
  type nodePaths,
  registryAddress,
  registryStorageDir,
} from "./cluster-layout.ts";
import { apiserverArgs, controllerManagerArgs, etcdArgs } from "./control-plane.ts";
import { type Daemon, startDaemon, waitReady } from "./daemons.ts";
import type { KubeClient, KubeObject } from "./kube-client.ts";
import { kubeconfigYaml } from "./kubeconfig.ts";
import {
  cniConflist,
  containerdConfigToml,
  kubeletConfigYaml,
  kubeProxyConfigYaml,
  NODE_NAME,
  POD_BRIDGE,
  POD_GATEWAY,
  registryConfigYaml,
  registryHostsToml,
  SERVICE_CIDR,
} from "./node-config.ts";
import type { ClusterBinaries } from "./node-toolchain.ts";
import type { ClusterPki } from "./pki.ts";

type Paths = ReturnType<typeof nodePaths>;

export interface Starting {
  readonly paths: Paths;
  readonly bins: ClusterBinaries;
  readonly pki: ClusterPki;
  readonly client: KubeClient;
  readonly daemons: Daemon[];
  readonly log: Logger;
}

const httpOk = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(3000) })).ok;

function start(s: Starting, name: string, program: string, args: string[]): Daemon {
  const daemon = startDaemon(name, program, args, join(s.paths.logs, `${name}.log`));
  s.daemons.push(daemon);
  return daemon;
}

export async function writeKubeconfig(s: Starting, who: string, user: string, cert: string, key: string) {
  const path = s.paths.kubeconfig(who);
  const server = `https://127.0.0.1:${CLUSTER_PORTS.apiserver}`;
  await writeFile(
    path,
    kubeconfigYaml({
      server,
      caCert: s.pki.caCert,
      clientCert: cert,
      clientKey: key,
      user,
      context: CLUSTER_CONTEXT,
    }),
    { mode: 0o600 },
  );
  return path;
}

export async function startRegistry(s: Starting): Promise<void> {
  const config = join(s.paths.dir, "registry.yml");
  await mkdir(registryStorageDir(), { recursive: true });
  await writeFile(config, registryConfigYaml(registryStorageDir(), registryAddress()));
  const registry = start(s, "registry", s.bins.registry, ["serve", config]);
  await s.log.step(`start the registry on ${registryAddress()}`, () =>
    waitReady(registry, "answering", () => httpOk(`http://${registryAddress()}/v2/`), 60_000),
  );
}

export async function startControlPlane(s: Starting): Promise<void> {
  const { apiserver, etcdClient, etcdPeer } = CLUSTER_PORTS;
  start(s, "etcd", s.bins.etcd, etcdArgs(s.paths.etcd, etcdClient, etcdPeer));
  const api = start(
    s,
    "kube-apiserver",
    s.bins.kubeApiserver,
    apiserverArgs(s.pki, s.paths.dir, etcdClient, apiserver),
  );
  await s.log.step(`start kube-apiserver on https://127.0.0.1:${apiserver}`, () =>
    waitReady(api, "ready", async () => (await s.client.request("GET", "/readyz")).status === 200, 300_000),
  );
  const kcmConfig = await writeKubeconfig(
    s,
    "controller-manager",
    "system:kube-controller-manager",
    s.pki.controllerManagerCert,
    s.pki.controllerManagerKey,
  );
  const kcm = start(
    s,
    "kube-controller-manager",
    s.bins.kubeControllerManager,
    controllerManagerArgs(s.pki, kcmConfig),
  );
  await s.log.step("start kube-controller-manager", () =>
    waitReady(
      kcm,
      "running its controllers",
      async () =>
        (await s.client.request("GET", "/api/v1/namespaces/default/serviceaccounts/default")).status === 200,
      300_000,
    ),
  );
  const schedConfig = await writeKubeconfig(
    s,
    "scheduler",
    "system:kube-scheduler",
    s.pki.schedulerCert,
    s.pki.schedulerKey,
  );
  start(s, "kube-scheduler", s.bins.kubeScheduler, [
    `--kubeconfig=${schedConfig}`,
    "--leader-elect=false",
    "--secure-port=0",
  ]);
}

/** The pod bridge exists before the first pod: the node's address and the API forwarder live on it. */
export async function createBridge(): Promise<void> {
  const ip = (args: string[]) =>
    runProgram("ip", args, { failureHint: "the node needs root and bridge support" });
  await ip(["link", "delete", POD_BRIDGE]).catch(() => undefined);
  await ip(["link", "add", POD_BRIDGE, "type", "bridge"]);
  await ip(["addr", "add", `${POD_GATEWAY}/24`, "dev", POD_BRIDGE]);
  await ip(["link", "set", POD_BRIDGE, "up"]);
}

/** Pods reach the API server as on any cluster, through the `kubernetes` Service (see kubernetesEndpoints). */
export async function bridgeApiServer(s: Starting): Promise<void> {
  const port = CLUSTER_PORTS.apiserver;
  start(s, "apiserver-bridge", s.bins.socat, [
    `TCP-LISTEN:${port},bind=${POD_GATEWAY},fork,reuseaddr`,
    `TCP:127.0.0.1:${port}`,
  ]);
  for (const object of kubernetesEndpoints(POD_GATEWAY, port)) {
    const res = await s.client.apply(object as KubeObject);
    if (res.status >= 300)
      throw new Error(`the kubernetes ${object.kind}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export async function startDns(s: Starting, baseImage: string): Promise<void> {
  for (const object of clusterDnsManifests(baseImage, s.bins.corednsDir)) {
    const res = await s.client.apply(object as KubeObject);
    if (res.status >= 300)
      throw new Error(`CoreDNS ${String(object.kind)}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
  const kubelet = s.daemons.find((d) => d.name === "kubelet") as Daemon;
  const path = "/apis/apps/v1/namespaces/kube-system/deployments/coredns";
  await s.log.step(`start CoreDNS (Service kube-dns on ${CLUSTER_DNS_IP})`, () =>
    waitReady(
      kubelet,
      "running a Ready CoreDNS pod",
      async () =>
        (((await s.client.get(path)) as { status?: { readyReplicas?: number } }).status?.readyReplicas ??
          0) >= 1,
      300_000,
    ),
  );
}

/**
 * Builds the pause image and pushes it with the base image, so containerd pulls even the pod sandbox
 * (and the system pods' base) from the registry. Returns both references.
 */
export async function pushSystemImages(s: Starting): Promise<{ pause: string; base: string }> {
  const built = await ensureImage({ name: "sandbox/pause", folder: "pause" }, s.log);
  return s.log.step("push the pod sandbox and base images to the registry", async () => ({
    pause: await pushImage(built.tag, `${registryAddress()}/${built.tag}`),
    base: await pushImage(BASE_IMAGE, `${registryAddress()}/${BASE_IMAGE}`),
  }));
}

export async function startContainerd(s: Starting, sandboxImage: string): Promise<void> {
  const p = s.paths;
  const hostsDir = join(p.registryHostsDir, registryAddress());
  await mkdir(hostsDir, { recursive: true });
  await writeFile(join(hostsDir, "hosts.toml"), registryHostsToml(registryAddress()));
  await mkdir(p.cniConfDir, { recursive: true });
  await writeFile(join(p.cniConfDir, "10-sandbox-pods.conflist"), JSON.stringify(cniConflist(p), null, 2));
  const config = join(p.dir, "containerd.toml");
  await writeFile(config, containerdConfigToml(p, sandboxImage, s.bins.runc));
  const containerd = start(s, "containerd", s.bins.containerd, ["--config", config]);
  await s.log.step("start containerd", () =>
    waitReady(containerd, "serving", async () => existsSync(p.containerdSocket), 120_000),
  );
}

export async function nodeReady(client: KubeClient): Promise<boolean> {
  const node = (await client.get(`/api/v1/nodes/${NODE_NAME}`)) as {
    status?: { conditions?: { type: string; status: string }[] };
  };
  return Boolean(node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
}

export async function startNode(s: Starting): Promise<void> {
  const kubeletConfig = await writeKubeconfig(
    s,
    "kubelet",
    `system:node:${NODE_NAME}`,
    s.pki.kubeletCert,
    s.pki.kubeletKey,
  );
  const config = join(s.paths.dir, "kubelet.yaml");
  await writeFile(config, kubeletConfigYaml(s.paths));
  const kubelet = start(s, "kubelet", s.bins.kubelet, [
    `--config=${config}`,
    `--kubeconfig=${kubeletConfig}`,
    `--root-dir=${s.paths.kubeletRoot}`,
    `--node-ip=${POD_GATEWAY}`,
    `--hostname-override=${NODE_NAME}`,
    "--v=1",
  ]);
  await s.log.step(`start the kubelet (node ${NODE_NAME})`, () =>
    waitReady(kubelet, "Ready", () => nodeReady(s.client), 300_000),
  );
  const proxyKubeconfig = await writeKubeconfig(
    s,
    "kube-proxy",
    "system:kube-proxy",
    s.pki.kubeProxyCert,
    s.pki.kubeProxyKey,
  );
  const proxyConfig = join(s.paths.dir, "kube-proxy.yaml");
  await writeFile(proxyConfig, kubeProxyConfigYaml(proxyKubeconfig));
  const proxy = start(s, "kube-proxy", s.bins.kubeProxy, [`--config=${proxyConfig}`]);
  await s.log.step("start kube-proxy", () =>
    waitReady(proxy, "healthy", () => httpOk("http://127.0.0.1:10256/healthz"), 120_000),
  );
}

/** kube-router's firewall alone enforces NetworkPolicies (iptables + ipset); routing and proxying stay off. */
export async function startNetworkPolicies(s: Starting): Promise<void> {
  const port = CLUSTER_PORTS.networkPolicyHealth;
  const agent = start(s, "network-policies", s.bins.kubeRouter, [
    `--kubeconfig=${s.paths.kubeconfig("admin")}`,
    `--hostname-override=${NODE_NAME}`,
    "--run-firewall=true",
    "--run-router=false",
    "--run-service-proxy=false",
    "--enable-cni=false",
    "--enable-ipv6=false",
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    `--health-port=${port}`,
    "--metrics-port=0",
  ]);
  await s.log.step("start NetworkPolicy enforcement (kube-router firewall)", () =>
    waitReady(agent, "healthy", () => httpOk(`http://127.0.0.1:${port}/healthz`), 120_000),
  );
}

/** The default StorageClass and its provisioner (cluster-storage.ts); volumes live under the cluster's folder. */
export async function startStorage(s: Starting, baseImage: string): Promise<void> {
  const volumes = join(s.paths.dir, "volumes");
  await mkdir(volumes, { recursive: true });
  for (const object of clusterStorageManifests(volumes, baseImage)) {
    const res = await s.client.apply(object as KubeObject);
    if (res.status >= 300)
      throw new Error(`storage ${String(object.kind)}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  }
  const provisioner = start(
    s,
    "storage-provisioner",
    s.bins.storageProvisioner,
    storageProvisionerArgs(s.paths.kubeconfig("admin"), baseImage),
  );
  await s.log.step(`start the storage provisioner (default StorageClass ${STORAGE_CLASS})`, () =>
    waitReady(
      provisioner,
      "watching claims",
      async () => (await readFile(provisioner.log, "utf8")).includes("Provisioner started"),
      60_000,
    ),
  );
}
