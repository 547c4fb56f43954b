import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runProgram } from "../util/exec.ts";

/** Files of the throwaway cluster's PKI, all inside one temporary folder. */
export interface ClusterPki {
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly controllerManagerCert: string;
  readonly controllerManagerKey: string;
  readonly schedulerCert: string;
  readonly schedulerKey: string;
  /** the node's kubelet (group system:nodes, so the Node authorizer lets it report its node and pods). */
  readonly kubeletCert: string;
  readonly kubeletKey: string;
  readonly kubeProxyCert: string;
  readonly kubeProxyKey: string;
  /** the API server's identity towards the kubelet (logs, exec, port-forward). */
  readonly apiserverKubeletClientCert: string;
  readonly apiserverKubeletClientKey: string;
  /** signs and verifies service-account tokens. */
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const OPENSSL_HINT = "install openssl (`apt-get install -y openssl`)";
const openssl = (args: string[], cwd: string) =>
  runProgram("openssl", args, { cwd, installHint: OPENSSL_HINT, timeout: 60_000 });

/**
 * A CA, a serving certificate for 127.0.0.1 only, and client certificates for the admin (group
 * system:masters), every control-plane and node component, and the API server towards the kubelet. Keys are EC P-256: fast to make on a busy machine.
 */
export async function createClusterPki(dir: string, nodeName = "sandbox-node-0"): Promise<ClusterPki> {
  const p = (name: string) => join(dir, name);
  const ecKey = (name: string) =>
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", p(name)], dir);
  await ecKey("ca.key");
  await openssl(
    [
      "req",
      "-x509",
      "-new",
      "-key",
      p("ca.key"),
      "-subj",
      "/CN=sandbox-k8s-tier-ca",
      "-days",
      "30",
      "-out",
      p("ca.crt"),
    ],
    dir,
  );
  const signed = async (name: string, subject: string, extensions: string) => {
    await ecKey(`${name}.key`);
    await openssl(["req", "-new", "-key", p(`${name}.key`), "-subj", subject, "-out", p(`${name}.csr`)], dir);
    await writeFile(p(`${name}.ext`), extensions);
    await openssl(
      [
        "x509",
        "-req",
        "-in",
        p(`${name}.csr`),
        "-CA",
        p("ca.crt"),
        "-CAkey",
        p("ca.key"),
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        p(`${name}.ext`),
        "-out",
        p(`${name}.crt`),
      ],
      dir,
    );
  };
  await signed(
    "server",
    "/CN=kube-apiserver",
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n",
  );
  const client =
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n";
  await signed("admin", "/O=system:masters/CN=sandbox-tier-admin", client);
  await signed("controller-manager", "/CN=system:kube-controller-manager", client);
  await signed("scheduler", "/CN=system:kube-scheduler", client);
  await signed("kubelet", `/O=system:nodes/CN=system:node:${nodeName}`, client);
  await signed("kube-proxy", "/CN=system:kube-proxy", client);
  await signed("apiserver-kubelet-client", "/O=system:masters/CN=kube-apiserver-kubelet-client", client);
  await ecKey("sa.key");
  await openssl(["pkey", "-in", p("sa.key"), "-pubout", "-out", p("sa.pub")], dir);
  return {
    caCert: p("ca.crt"),
    caKey: p("ca.key"),
    serverCert: p("server.crt"),
    serverKey: p("server.key"),
    adminCert: p("admin.crt"),
    adminKey: p("admin.key"),
    controllerManagerCert: p("controller-manager.crt"),
    controllerManagerKey: p("controller-manager.key"),
    schedulerCert: p("scheduler.crt"),
    schedulerKey: p("scheduler.key"),
    kubeletCert: p("kubelet.crt"),
    kubeletKey: p("kubelet.key"),
    kubeProxyCert: p("kube-proxy.crt"),
    kubeProxyKey: p("kube-proxy.key"),
    apiserverKubeletClientCert: p("apiserver-kubelet-client.crt"),
    apiserverKubeletClientKey: p("apiserver-kubelet-client.key"),
    serviceAccountKey: p("sa.key"),
    serviceAccountPub: p("sa.pub"),
  };
}
