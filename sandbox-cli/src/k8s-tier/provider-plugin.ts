import { missingToolError } from "../errors.ts";
import { findKubernetesProviderPlugin, KUBERNETES_PROVIDER_VERSION } from "../spec/kubernetes-target.ts";
import { runProgram } from "../util/exec.ts";
import { GO_BUILD_ENV } from "./build-kubernetes.ts";
import { PROVIDER_MODULE } from "./versions.ts";

export interface ProviderPluginStatus {
  readonly installed: boolean;
  /** why the plugin is not there and cannot be built here. */
  readonly reason?: string;
}

/**
 * Looks for the kubernetes provider plugin at the version @pulumi/kubernetes expects, and when it is
 * missing asks the Go module proxy for its source at that version, so the reason it cannot be built
 * is the proxy's own answer rather than a guess.
 */
export async function kubernetesProviderPluginStatus(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProviderPluginStatus> {
  const plugin = await findKubernetesProviderPlugin(env);
  if (plugin?.includes(`v${KUBERNETES_PROVIDER_VERSION}`)) return { installed: true };
  const query = `${PROVIDER_MODULE}@v${KUBERNETES_PROVIDER_VERSION}`;
  try {
    const { stdout } = await runProgram("go", ["mod", "download", "-json", query], {
      env: GO_BUILD_ENV,
      timeout: 120_000,
      reject: false,
    });
    const info = JSON.parse(stdout || "{}") as { Error?: string; Dir?: string };
    return {
      installed: false,
      reason: info.Error
        ? `the Go module proxy does not serve ${query}: ${info.Error.split("\n")[0]}`
        : `${query} is downloadable (${info.Dir}) but building it is not automated yet`,
    };
  } catch (error) {
    return {
      installed: false,
      reason: `asking the Go module proxy for ${query} failed: ${(error as Error).message}`,
    };
  }
}

export function providerMissingError(reason: string) {
  return missingToolError(
    "KUBE_PROVIDER_MISSING",
    `the Pulumi kubernetes provider plugin v${KUBERNETES_PROVIDER_VERSION} is not installed and cannot be built here: ${reason}`,
    `install it with \`pulumi plugin install resource kubernetes v${KUBERNETES_PROVIDER_VERSION} --file <binary>\` from a binary built elsewhere`,
  );
}
