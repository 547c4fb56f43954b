/** A KubeClient for a context of any kubeconfig file (client certificates or a bearer token). */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { missingToolError } from "../errors.ts";
import { KubeClient } from "./kube-client.ts";

const Kubeconfig = z.object({
  clusters: z.array(
    z.object({
      name: z.string(),
      cluster: z.object({
        server: z.string(),
        "certificate-authority": z.string().optional(),
        "certificate-authority-data": z.string().optional(),
      }),
    }),
  ),
  users: z.array(
    z.object({
      name: z.string(),
      user: z.object({
        "client-certificate": z.string().optional(),
        "client-certificate-data": z.string().optional(),
        "client-key": z.string().optional(),
        "client-key-data": z.string().optional(),
        token: z.string().optional(),
      }),
    }),
  ),
  contexts: z.array(
    z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string() }) }),
  ),
  "current-context": z.string().optional(),
});

const HINT =
  "use a kubeconfig whose user has a client certificate or a token (`kubectl config view --minify --raw` shows it)";

/** A file path (relative to the kubeconfig's folder) or base64 data, as PEM bytes. */
async function pemOf(base: string, path?: string, data?: string): Promise<Buffer | undefined> {
  if (data) return Buffer.from(data, "base64");
  return path ? readFile(resolve(base, path)) : undefined;
}

export async function kubeClientFromKubeconfig(path: string, context?: string): Promise<KubeClient> {
  const parsed = Kubeconfig.safeParse(parse(await readFile(path, "utf8")));
  if (!parsed.success) {
    throw missingToolError(
      "KUBE_BAD_KUBECONFIG",
      `kubeconfig ${path}: ${parsed.error.issues[0]?.message}`,
      HINT,
    );
  }
  const config = parsed.data;
  const name = context ?? config["current-context"];
  const ctx = config.contexts.find((c) => c.name === name)?.context;
  const cluster = config.clusters.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = config.users.find((u) => u.name === ctx?.user)?.user;
  if (!ctx || !cluster || !user) {
    throw missingToolError("KUBE_NO_CONTEXT", `kubeconfig ${path} has no complete context "${name}"`, HINT);
  }
  const base = dirname(path);
  return new KubeClient({
    server: cluster.server,
    pem: {
      ca: await pemOf(base, cluster["certificate-authority"], cluster["certificate-authority-data"]),
      cert: await pemOf(base, user["client-certificate"], user["client-certificate-data"]),
      key: await pemOf(base, user["client-key"], user["client-key-data"]),
    },
    ...(user.token ? { token: user.token } : {}),
  });
}
