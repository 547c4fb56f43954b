/** Pinned versions of the real-cluster test tier (`npm run test:k8s`). Bump here, nowhere else. */

/** The control plane, the kubelet and kube-proxy, built from the k8s.io/kubernetes Go module. */
export const KUBERNETES_VERSION = "1.37.2";
/** The k8s.io/* staging modules are published as v0.<minor>.<patch> of the same release. */
export const stagingVersion = (kubernetesVersion: string = KUBERNETES_VERSION) =>
  `v0.${kubernetesVersion.split(".").slice(1).join(".")}`;

/**
 * The node's other parts, each `go install`ed from the Go module proxy. containerd 2: the 1.37 kubelet
 * no longer supports containerd 1.x (Debian's is 1.6).
 */
export const CONTAINERD_VERSION = "2.4.2";
export const CNI_PLUGINS_VERSION = "1.10.0";
export const COREDNS_VERSION = "1.15.0";
/**
 * NetworkPolicy enforcement: kube-router's firewall alone (iptables + ipset). sigs.k8s.io/kube-network-policies
 * cannot run on this kernel: it queues packets with nftables' `queue` statement and the kernel is built
 * without CONFIG_NFT_QUEUE (`nft add rule ... queue num 100` answers "No such file or directory").
 */
export const KUBE_ROUTER_VERSION = "2.1.0";
export const REGISTRY_VERSION = "3.0.0";
/** The default StorageClass's provisioner (rancher's local-path-provisioner, as in kind and k3s). */
export const LOCAL_PATH_PROVISIONER_VERSION = "0.0.30";

/** Debian's runc (1.1) is the OCI runtime containerd starts containers with. */
export const RUNC_PACKAGE = "runc";

/** Debian's etcd-server (3.4 on bookworm) is the API server's storage. */
export const ETCD_PACKAGE = "etcd-server";

/** The Go module holding the Pulumi kubernetes provider plugin's main package. */
export const PROVIDER_MODULE = "github.com/pulumi/pulumi-kubernetes/provider/v4";

/**
 * The provider source the plugin is built from. The Go module proxy refuses every tagged release of
 * the provider module (403) and serves this one commit only: f47bc2d6 of 2026-01-15, on main the day
 * before the v4.25.0 tag (its go.mod already requires sdk v4.24.0 and pulumi v3.215.0, as 4.25.0
 * does). So @pulumi/kubernetes is pinned to 4.25.0 and the plugin built from here reports 4.25.0.
 */
export const PROVIDER_SOURCE_VERSION = "v4.0.0-20260115033456-f47bc2d6f199";
