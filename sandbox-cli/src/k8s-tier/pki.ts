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
  /** signs and verifies service-account tokens. */
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const OPENSSL_HINT = "install openssl (`apt-get install -y openssl`)";
const openssl = (args: string[], cwd: string) =>
  runProgram("openssl", args, { cwd, installHint: OPENSSL_HINT, timeout: 60_000 });

/**
 * A CA, a serving certificate for 127.0.0.1 only, and client certificates for the admin (group
 * system:masters) and kube-controller-manager. Keys are EC P-256: fast to make on a busy machine.
 */
export async function createClusterPki(dir: string): Promise<ClusterPki> {
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
      "2",
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
        "2",
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
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
  );
  const client =
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n";
  await signed("admin", "/O=system:masters/CN=sandbox-tier-admin", client);
  await signed("controller-manager", "/CN=system:kube-controller-manager", client);
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
    serviceAccountKey: p("sa.key"),
    serviceAccountPub: p("sa.pub"),
  };
}
