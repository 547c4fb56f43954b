/**
 * Pure builders for the one-node cluster's configuration files: containerd, the CNI network, the
 * kubelet, kube-proxy, CoreDNS and the registry. Every address is 127.0.0.1 or inside the pod bridge.
 */
import { stringify } from "yaml";

export const NODE_NAME = "sandbox-node-0";
/** Its own bridge name, so nothing of Docker's (docker0, br-*) is touched. */
export const POD_BRIDGE = "sbxpods0";
export const POD_CIDR = "10.244.0.0/24";
/**
 * The bridge's address: the pods' gateway, the node's InternalIP (the kubelet refuses a loopback one)
 * and where the API server is forwarded to the pods. Nothing outside this machine can reach it.
 */
export const POD_GATEWAY = "10.244.0.1";
export const SERVICE_CIDR = "10.96.0.0/16";
export const CLUSTER_DOMAIN = "cluster.local";
/** The kube-dns Service (CoreDNS pods, cluster-dns.ts). */
export const CLUSTER_DNS_IP = "10.96.0.10";

export interface NodePaths {
  readonly dir: string;
  readonly containerdSocket: string;
  readonly containerdRoot: string;
  readonly containerdState: string;
  readonly registryHostsDir: string;
  readonly cniConfDir: string;
  readonly cniBinDir: string;
  readonly cniDataDir: string;
  readonly kubeletRoot: string;
  readonly podLogsDir: string;
  readonly caCert: string;
}

export function containerdConfigToml(p: NodePaths, sandboxImage: string, runc: string): string {
  return `version = 4
root = "${p.containerdRoot}"
state = "${p.containerdState}"
# Nothing of the machine's own containerd (drop-ins, NRI socket, /opt) is shared.
imports = []
disabled_plugins = ["io.containerd.nri.v1.nri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.blockfile", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

# Its own sockets: Docker's containerd listens on /run/containerd/containerd.sock.
[plugins.'io.containerd.server.v1.grpc']
  address = "${p.containerdSocket}"

[plugins.'io.containerd.server.v1.ttrpc']
  address = "${p.containerdSocket}.ttrpc"

[plugins.'io.containerd.internal.v1.opt']
  path = "${p.containerdRoot}/opt"

[plugins.'io.containerd.cri.v1.runtime']
  enable_selinux = false
  # root here may not lower oom_score_adj (no CAP_SYS_RESOURCE): the pause container's -998 fails otherwise.
  restrict_oom_score_adj = true

[plugins.'io.containerd.cri.v1.runtime'.containerd]
  default_runtime_name = "runc"

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
  BinaryName = "${runc}"
  SystemdCgroup = false

[plugins.'io.containerd.cri.v1.runtime'.cni]
  bin_dirs = ["${p.cniBinDir}"]
  conf_dir = "${p.cniConfDir}"

[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"

[plugins.'io.containerd.cri.v1.images'.pinned_images]
  sandbox = "${sandboxImage}"

[plugins.'io.containerd.cri.v1.images'.registry]
  config_path = "${p.registryHostsDir}"

[plugins.'io.containerd.grpc.v1.cri']
  disable_tcp_service = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
`;
}

/** containerd's hosts.toml for the local registry: plain HTTP, pull and resolve. */
export function registryHostsToml(registry: string): string {
  return `server = "http://${registry}"\n\n[host."http://${registry}"]\n  capabilities = ["pull", "resolve"]\n`;
}

/** The pod network: one bridge, host-local addresses, hostPort mappings, per-pod FORWARD accepts. */
export function cniConflist(p: NodePaths) {
  return {
    cniVersion: "1.0.0",
    name: "sandbox-pods",
    plugins: [
      {
        type: "bridge",
        bridge: POD_BRIDGE,
        isGateway: true,
        // No masquerade: a pod's packets never leave the machine with the host's address.
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: POD_CIDR, gateway: POD_GATEWAY }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: p.cniDataDir,
        },
      },
      { type: "portmap", capabilities: { portMappings: true } },
      // Docker sets the FORWARD policy to DROP; this accepts the pods' own traffic.
      { type: "firewall", backend: "iptables" },
    ],
  };
}

export function kubeletConfigYaml(p: NodePaths): string {
  return stringify({
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    // This kernel has cgroup v1 only; since 1.35 the kubelet refuses it unless told otherwise.
    failCgroupV1: false,
    cgroupDriver: "cgroupfs",
    failSwapOn: false,
    // the node's address (the kubelet refuses a loopback node IP): reachable from this machine and its pods only
    address: POD_GATEWAY,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: 10248,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: false },
      x509: { clientCAFile: p.caCert },
    },
    authorization: { mode: "AlwaysAllow" },
    clusterDomain: CLUSTER_DOMAIN,
    clusterDNS: [CLUSTER_DNS_IP],
    containerRuntimeEndpoint: `unix://${p.containerdSocket}`,
    podLogsDir: p.podLogsDir,
    podCIDR: POD_CIDR,
    maxPods: 110,
    serializeImagePulls: false,
    // A shared build machine's disk is often past the default 85%: never evict or collect for it.
    evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    rotateCertificates: false,
    serverTLSBootstrap: false,
  });
}

export function kubeProxyConfigYaml(kubeconfig: string): string {
  return stringify({
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    clientConnection: { kubeconfig },
    mode: "iptables",
    clusterCIDR: POD_CIDR,
    hostnameOverride: NODE_NAME,
    healthzBindAddress: "127.0.0.1:10256",
    metricsBindAddress: "127.0.0.1:10249",
    // NodePorts (which a sandbox's quota forbids anyway) on the node's bridge address only: a loopback one
    // would make kube-proxy turn on route_localnet for the whole machine.
    nodePortAddresses: [`${POD_GATEWAY}/32`],
    // Leave the machine's conntrack sysctls alone (other engineers' containers share them).
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
  });
}

export function registryConfigYaml(storage: string, address: string): string {
  return stringify({
    version: 0.1,
    log: { level: "warn" },
    storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
    http: { addr: address },
  });
}
