/** Argument lists of the control plane's programs (pure: the cluster module starts them). */
import { join } from "node:path";
import type { ClusterPki } from "./pki.ts";

export function etcdArgs(dataDir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    "--name=tier",
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=tier=${peer}`,
    "--log-level=warn",
    "--logger=zap",
  ];
}

export function apiserverArgs(pki: ClusterPki, dir: string, etcdPort: number, securePort: number): string[] {
  const issuer = `https://127.0.0.1:${securePort}`;
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${securePort}`,
    `--cert-dir=${join(dir, "apiserver-certs")}`,
    `--tls-cert-file=${pki.serverCert}`,
    `--tls-private-key-file=${pki.serverKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--service-account-issuer=${issuer}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    "--service-cluster-ip-range=10.96.0.0/16",
    // The kubernetes Service's endpoint may not be a loopback address; nothing here needs it.
    "--endpoint-reconciler-type=none",
    // Node authorizes each kubelet for its own node and pods; RBAC everything else.
    "--authorization-mode=Node,RBAC",
    `--kubelet-client-certificate=${pki.apiserverKubeletClientCert}`,
    `--kubelet-client-key=${pki.apiserverKubeletClientKey}`,
    "--kubelet-preferred-address-types=InternalIP",
    // As on a real cluster: privileged pods pass validation, so PodSecurity admission is what refuses them.
    "--allow-privileged=true",
    "--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota,PodSecurity,NodeRestriction",
    "--profiling=false",
    "--v=0",
  ];
}

export function controllerManagerArgs(pki: ClusterPki, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    "--secure-port=0",
    "--leader-elect=false",
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    "--use-service-account-credentials=true",
    "--controllers=*",
    // the one node gets 10.244.0.0/24, the range its CNI configuration hands out
    "--allocate-node-cidrs=true",
    "--cluster-cidr=10.244.0.0/16",
    "--node-cidr-mask-size=24",
    "--profiling=false",
    "--v=0",
  ];
}
