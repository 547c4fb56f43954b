/**
 * The one place the CLI reads a kubeconfig and reaches a cluster (the kubernetes twin of runtime/docker.ts),
 * through @kubernetes/client-node: typed API calls, exec and port-forward over the API server.
 */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { missingToolError } from "../errors.ts";

/** Where a kubernetes sandbox lives: the kubeconfig file and context `up` used, and its namespace. */
export interface KubeLocation {
  readonly kubeconfig: string;
  /** undefined: the kubeconfig's current context. */
  readonly context?: string | undefined;
  readonly namespace: string;
}

/** One container of one pod: what exec and copy reach (a media server's files). */
export interface PodRef extends KubeLocation {
  readonly pod: string;
  readonly container: string;
}

const HINT =
  "use a kubeconfig whose user has a client certificate or a token (`kubectl config view --minify --raw` shows it)";

/** The kubeconfig at `path` with `context` (default: its current context) selected; exit 3 when it has none. */
export function loadKubeConfig(path: string, context?: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromFile(path);
  } catch (error) {
    throw missingToolError(
      "KUBE_BAD_KUBECONFIG",
      `kubeconfig ${path}: ${(error as Error).message}`,
      HINT,
      error,
    );
  }
  if (config.getClusters().length === 0 || config.getContexts().length === 0)
    throw missingToolError("KUBE_BAD_KUBECONFIG", `kubeconfig ${path} lists no cluster or no context`, HINT);
  const name = context ?? config.getCurrentContext();
  const ctx = name ? config.getContextObject(name) : null;
  if (!ctx || !config.getCluster(ctx.cluster) || !config.getUser(ctx.user))
    throw missingToolError("KUBE_NO_CONTEXT", `kubeconfig ${path} has no complete context "${name}"`, HINT);
  config.setCurrentContext(ctx.name);
  return config;
}

export interface Kube {
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
}

/** The cluster of a kubernetes sandbox (its recorded kubeconfig and context). */
export function kubeAt(location: Pick<KubeLocation, "kubeconfig" | "context">): Kube {
  const config = loadKubeConfig(location.kubeconfig, location.context);
  return { config, core: config.makeApiClient(CoreV1Api) };
}

/** A label selector from labels: `a=b,c=d`. */
export const labelSelector = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
