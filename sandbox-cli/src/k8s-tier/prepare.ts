/** `npm run test:k8s` runs this first: builds the local cluster's programs (slow once, then cached). */
import { isSandboxError } from "../errors.ts";
import { createLogger } from "../util/log.ts";
import { ensureClusterBinaries } from "./node-toolchain.ts";
import { kubernetesProviderPluginStatus } from "./provider-plugin.ts";

const log = createLogger();
try {
  const binaries = await ensureClusterBinaries(log);
  log.info(`k8s tier toolchain ready: ${JSON.stringify(binaries)}`);
  const provider = await kubernetesProviderPluginStatus(log);
  if (!provider.installed) log.warn(`Pulumi-driven k8s tests will be skipped: ${provider.reason}`);
} catch (error) {
  if (isSandboxError(error)) {
    log.warn(`${error.message}\n  fix: ${error.hint}`);
    process.exitCode = error.exitCode;
  } else {
    throw error;
  }
}
