import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ResultPromise } from "execa";
import { infrastructureError } from "../errors.ts";
import { startProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { KubeClient } from "./kube-client.ts";
import { kubeconfigYaml } from "./kubeconfig.ts";
import { type ClusterPki, createClusterPki } from "./pki.ts";

export interface ControlPlaneBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  /** without it namespaces never finish terminating and quotas never get usage. */
  readonly kubeControllerManager?: string;
  /** with kwok: pods get a (simulated) node and become Ready, so Deployments and Jobs progress. */
  readonly kubeScheduler?: string;
  readonly kwok?: string;
  readonly kwokStages?: string;
}

export interface RunningControlPlane {
  readonly dir: string;
  readonly server: string;
  readonly kubeconfig: string;
  readonly context: string;
  readonly pki: ClusterPki;
  readonly client: KubeClient;
  readonly controllerManager: boolean;
  /** the simulated node's name, when kube-scheduler and kwok run. */
  readonly kwokNode: string | undefined;
  stop(): Promise<void>;
}

export const TIER_CONTEXT = "sandbox-k8s-tier";

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race is acceptable for a test tier). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

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
    "--authorization-mode=RBAC",
    // As on a real cluster: privileged pods pass validation, so PodSecurity admission is what refuses them.
    "--allow-privileged=true",
    "--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,ResourceQuota,PodSecurity",
    "--profiling=false",
    "--v=0",
  ];
}

export const KWOK_NODE = "kwok-node-0";

/** A node kwok manages: big enough for a whole sandbox, no taints, so the stack's pods land on it. */
export const kwokNodeManifest = () => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: {
    name: KWOK_NODE,
    annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake" },
    labels: { type: "kwok", "kubernetes.io/hostname": KWOK_NODE, "kubernetes.io/os": "linux" },
  },
  status: {
    allocatable: { cpu: "64", memory: "256Gi", pods: "110" },
    capacity: { cpu: "64", memory: "256Gi", pods: "110" },
  },
});

export function kwokArgs(kubeconfig: string, stages: string, port: number): string[] {
  return [
    `--config=${stages}`,
    `--kubeconfig=${kubeconfig}`,
    "--manage-all-nodes=false",
    "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
    `--server-address=127.0.0.1:${port}`,
    `--node-port=${port}`,
    "--node-ip=127.0.0.1",
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
    "--profiling=false",
    "--v=0",
  ];
}

/** Waits for GET `path` to answer 200, or fails naming what the process last said. */
async function waitHealthy(
  client: KubeClient,
  path: string,
  what: string,
  proc: ResultPromise,
  logTail: () => string,
  ms: number,
) {
  const deadline = Date.now() + ms;
  let last = "";
  while (Date.now() < deadline && proc.exitCode === null) {
    try {
      const res = await client.request("GET", path);
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(1000);
  }
  throw infrastructureError(
    "K8S_TIER_NOT_READY",
    `${what} ${proc.exitCode === null ? `was not ready within ${ms / 1000}s (${last})` : `exited with ${proc.exitCode}`}; its last output:\n${logTail()}`,
    "see the output; on a busy machine start it again",
  );
}

/** kwok marks its node Ready once it manages it. */
async function waitReadyNode(client: KubeClient, kwok: ResultPromise, logTail: () => string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && kwok.exitCode === null) {
    const node = (await client.get(`/api/v1/nodes/${KWOK_NODE}`)) as {
      status?: { conditions?: { type: string; status: string }[] };
    };
    if (node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) return;
    await sleep(1000);
  }
  throw infrastructureError(
    "K8S_TIER_NOT_READY",
    `kwok ${kwok.exitCode === null ? "did not make its node Ready within 120s" : `exited with ${kwok.exitCode}`}; its last output:\n${logTail()}`,
    "see the output; on a busy machine start it again",
  );
}

function tailOf(proc: ResultPromise, lines: string[]): () => string {
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  return () => lines.slice(-15).join("\n");
}

/**
 * Starts etcd, kube-apiserver and (when given) kube-controller-manager on 127.0.0.1 with a fresh
 * PKI, data dir and kubeconfig under one temporary folder; stop() ends them and removes it.
 */
export async function startControlPlane(
  bins: ControlPlaneBinaries,
  log: Logger,
): Promise<RunningControlPlane> {
  const dir = await mkdtemp(join(tmpdir(), "sandbox-k8s-tier-"));
  const processes: ResultPromise[] = [];
  const stop = async () => {
    for (const proc of processes.reverse()) {
      proc.kill("SIGTERM");
      await Promise.race([proc.catch(() => undefined), sleep(10_000)]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const pki = await createClusterPki(dir);
    const [etcdClient, etcdPeer, securePort] = [
      await freeLoopbackPort(),
      await freeLoopbackPort(),
      await freeLoopbackPort(),
    ];
    await mkdir(join(dir, "etcd"), { mode: 0o700 });
    const run = (program: string, args: string[]) => {
      const proc = startProgram(program, args, { cwd: dir, reject: false, buffer: false });
      processes.push(proc);
      return proc;
    };
    const etcdLog = tailOf(run(bins.etcd, etcdArgs(join(dir, "etcd"), etcdClient, etcdPeer)), []);
    const server = `https://127.0.0.1:${securePort}`;
    const adminKubeconfig = join(dir, "kubeconfig");
    await writeFile(
      adminKubeconfig,
      kubeconfigYaml({
        server,
        caCert: pki.caCert,
        clientCert: pki.adminCert,
        clientKey: pki.adminKey,
        user: "sandbox-tier-admin",
        context: TIER_CONTEXT,
      }),
    );
    const client = new KubeClient({
      server,
      caCert: pki.caCert,
      clientCert: pki.adminCert,
      clientKey: pki.adminKey,
    });
    const apiserver = run(bins.kubeApiserver, apiserverArgs(pki, dir, etcdClient, securePort));
    const apiLog = tailOf(apiserver, []);
    await log.step(`start kube-apiserver on ${server}`, () =>
      waitHealthy(
        client,
        "/readyz",
        "kube-apiserver",
        apiserver,
        () => `${apiLog()}\n-- etcd --\n${etcdLog()}`,
        240_000,
      ),
    );
    if (bins.kubeControllerManager) {
      const kcmKubeconfig = join(dir, "controller-manager.kubeconfig");
      await writeFile(
        kcmKubeconfig,
        kubeconfigYaml({
          server,
          caCert: pki.caCert,
          clientCert: pki.controllerManagerCert,
          clientKey: pki.controllerManagerKey,
          user: "system:kube-controller-manager",
          context: TIER_CONTEXT,
        }),
      );
      const kcm = run(bins.kubeControllerManager, controllerManagerArgs(pki, kcmKubeconfig));
      const kcmLog = tailOf(kcm, []);
      // Its service-account controller making "default" in namespace default proves its controllers run.
      await log.step("start kube-controller-manager", () =>
        waitHealthy(
          client,
          "/api/v1/namespaces/default/serviceaccounts/default",
          "kube-controller-manager",
          kcm,
          kcmLog,
          240_000,
        ),
      );
    }
    let kwokNode: string | undefined;
    if (bins.kubeScheduler && bins.kwok && bins.kwokStages) {
      const scheduler = run(bins.kubeScheduler, [
        `--kubeconfig=${adminKubeconfig}`,
        "--leader-elect=false",
        "--secure-port=0",
      ]);
      tailOf(scheduler, []);
      const kwok = run(bins.kwok, kwokArgs(adminKubeconfig, bins.kwokStages, await freeLoopbackPort()));
      const kwokLog = tailOf(kwok, []);
      const created = await client.request("POST", "/api/v1/nodes", kwokNodeManifest());
      if (created.status !== 201) {
        throw new Error(`creating the kwok node: HTTP ${created.status} ${JSON.stringify(created.body)}`);
      }
      await log.step("start kube-scheduler and kwok", () => waitReadyNode(client, kwok, kwokLog));
      kwokNode = KWOK_NODE;
    }
    return {
      dir,
      server,
      kubeconfig: adminKubeconfig,
      context: TIER_CONTEXT,
      pki,
      client,
      controllerManager: Boolean(bins.kubeControllerManager),
      kwokNode,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
