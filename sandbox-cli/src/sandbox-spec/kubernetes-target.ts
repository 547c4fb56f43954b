import { access, readdir, readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { parse } from "yaml";
import { missingToolError } from "../errors.ts";
import type { KubernetesTarget, SandboxSpec } from "./schema.ts";

/** What the kubernetes stack needs to reach the cluster, once the preflight passed. */
export interface KubernetesConnection {
  readonly kubeconfigPath: string;
  /** the context to use; undefined means the kubeconfig's current context. */
  readonly context: string | undefined;
  readonly namespace: string;
}

const ASK_IT =
  "ask IT for a kubeconfig for the sandbox cluster, or set `target: { kind: docker }` to run on this machine";

export const sandboxNamespace = (spec: SandboxSpec, target: KubernetesTarget) =>
  target.namespace ?? `sandbox-${spec.name}`;

/** The kubeconfig file kubectl would use: target.kubeconfig, else the first $KUBECONFIG entry, else ~/.kube/config. */
export function kubeconfigPath(target: KubernetesTarget, env: NodeJS.ProcessEnv = process.env): string {
  if (target.kubeconfig) return resolve(target.kubeconfig);
  const fromEnv = env.KUBECONFIG?.split(delimiter).find(Boolean);
  return fromEnv ? resolve(fromEnv) : join(env.HOME ?? homedir(), ".kube", "config");
}

/**
 * Checks, without contacting anything, that a kubernetes-target spec names a cluster this machine knows:
 * the kubeconfig exists and holds the wanted context. Exit 3 (missing tool or service) otherwise.
 */
export async function checkKubernetesTarget(
  spec: SandboxSpec,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KubernetesConnection> {
  const target = spec.target;
  if (target.kind !== "kubernetes") throw new Error("checkKubernetesTarget needs a kubernetes target");
  const path = kubeconfigPath(target, env);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw missingToolError(
      "KUBE_NO_CLUSTER",
      `target kubernetes needs a cluster, but there is no kubeconfig at ${path} (no cluster is configured on this machine)`,
      `${ASK_IT}; point target.kubeconfig or $KUBECONFIG at it`,
      error,
    );
  }
  const config = (parse(text) ?? {}) as { contexts?: { name?: string }[]; "current-context"?: string };
  const contexts = (config.contexts ?? []).map((c) => c.name).filter((n): n is string => Boolean(n));
  const wanted = target.context ?? config["current-context"];
  if (!wanted || !contexts.includes(wanted)) {
    throw missingToolError(
      "KUBE_NO_CONTEXT",
      wanted
        ? `kubeconfig ${path} has no context "${wanted}" (contexts: ${contexts.join(", ") || "none"})`
        : `kubeconfig ${path} has no current context and target.context is not set (contexts: ${contexts.join(", ") || "none"})`,
      `set target.context to one of the contexts above, or ${ASK_IT}`,
    );
  }
  return { kubeconfigPath: path, context: target.context, namespace: sandboxNamespace(spec, target) };
}

/**
 * The @pulumi/kubernetes SDK version the stack is written against (package.json pins it exactly); its
 * provider plugin must be this version. Why 4.25.0: see PROVIDER_SOURCE_VERSION in k8s-tier/versions.ts.
 */
export const KUBERNETES_PROVIDER_VERSION = "4.25.0";

/** Where Pulumi looks for the kubernetes provider plugin: $PULUMI_HOME/plugins, then PATH. */
export async function findKubernetesProviderPlugin(
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const pluginsDir = join(env.PULUMI_HOME ?? join(env.HOME ?? homedir(), ".pulumi"), "plugins");
  const installed = await readdir(pluginsDir).catch(() => [] as string[]);
  const match = installed.find((name) => name === `resource-kubernetes-v${KUBERNETES_PROVIDER_VERSION}`);
  if (match) return join(pluginsDir, match);
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const candidate = join(dir, "pulumi-resource-kubernetes");
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

/**
 * Everything `sandbox up` needs before deploying a kubernetes-target spec: a cluster in the kubeconfig
 * and the Pulumi kubernetes provider plugin. Exit 3 with the fix for whichever is missing.
 */
export async function assertKubernetesTargetDeployable(
  spec: SandboxSpec,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KubernetesConnection> {
  const connection = await checkKubernetesTarget(spec, env);
  if (!(await findKubernetesProviderPlugin(env))) {
    throw missingToolError(
      "KUBE_PROVIDER_MISSING",
      `the Pulumi kubernetes provider plugin (resource-kubernetes v${KUBERNETES_PROVIDER_VERSION}) is not installed`,
      `build and install it from Go modules with \`npm run k8s:provider\` (about 8 minutes once), or on a machine that reaches Pulumi's plugin downloads run \`pulumi plugin install resource kubernetes v${KUBERNETES_PROVIDER_VERSION}\``,
    );
  }
  return connection;
}
