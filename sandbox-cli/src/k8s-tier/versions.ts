/** Pinned versions of the real-cluster test tier (`npm run test:k8s`). Bump here, nowhere else. */

/** kube-apiserver and kube-controller-manager, built from the k8s.io/kubernetes Go module. */
export const KUBERNETES_VERSION = "1.37.2";
/** The k8s.io/* staging modules are published as v0.<minor>.<patch> of the same release. */
export const stagingVersion = (kubernetesVersion: string = KUBERNETES_VERSION) =>
  `v0.${kubernetesVersion.split(".").slice(1).join(".")}`;

/** sigs.k8s.io/kwok: simulated nodes so Deployments and Jobs make progress without a kubelet. */
export const KWOK_VERSION = "0.8.0";

/** Debian's etcd-server (3.4 on bookworm) is the API server's storage. */
export const ETCD_PACKAGE = "etcd-server";

/** The Go module holding the Pulumi kubernetes provider plugin's main package. */
export const PROVIDER_MODULE = "github.com/pulumi/pulumi-kubernetes/provider/v4";
