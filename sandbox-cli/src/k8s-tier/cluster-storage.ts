/**
 * The cluster's default StorageClass, as kind and k3s have it: rancher's local-path-provisioner (run on
 * the node as a daemon, out of cluster) answers every claim with a folder under the cluster's own, made
 * by a short helper pod. Sandbox pods run as UID 10001 and hostPath volumes get no fsGroup, so the
 * helper hands each new folder to that UID.
 */
import { SANDBOX_UID } from "../../../stacks/kubernetes/pod-security.ts";

export const STORAGE_NAMESPACE = "local-path-storage";
export const STORAGE_CLASS = "local-path";
export const STORAGE_PROVISIONER = "rancher.io/local-path";
const CONFIG_MAP = "local-path-config";

const helperPod = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  containers:
    - name: helper-pod
      image: ${image}
      imagePullPolicy: IfNotPresent
`;

/** `volumesDir`: the node folder holding every volume; `image`: the base image, from the local registry. */
export function clusterStorageManifests(volumesDir: string, image: string): Record<string, unknown>[] {
  const config = { nodePathMap: [{ node: "DEFAULT_PATH_FOR_NON_LISTED_NODES", paths: [volumesDir] }] };
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: STORAGE_NAMESPACE, labels: { "pod-security.kubernetes.io/enforce": "privileged" } },
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: CONFIG_MAP, namespace: STORAGE_NAMESPACE },
      data: {
        "config.json": JSON.stringify(config, null, 2),
        setup: `#!/bin/sh\nset -eu\nmkdir -m 0700 -p "$VOL_DIR"\nchown ${SANDBOX_UID}:${SANDBOX_UID} "$VOL_DIR"\n`,
        teardown: `#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"\n`,
        "helperPod.yaml": helperPod(image),
      },
    },
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: {
        name: STORAGE_CLASS,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: STORAGE_PROVISIONER,
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
    },
  ];
}

/** The provisioner's command line (out of cluster, the admin kubeconfig; helper pods in its namespace). */
export function storageProvisionerArgs(kubeconfig: string, image: string): string[] {
  return [
    "--debug",
    "start",
    `--kubeconfig=${kubeconfig}`,
    `--namespace=${STORAGE_NAMESPACE}`,
    `--configmap-name=${CONFIG_MAP}`,
    `--provisioner-name=${STORAGE_PROVISIONER}`,
    `--helper-image=${image}`,
    "--service-account-name=default",
  ];
}
