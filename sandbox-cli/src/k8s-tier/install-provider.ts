/** `npm run k8s:provider`: builds (once) and installs the Pulumi kubernetes provider plugin the stack needs. */
import { isSandboxError } from "../errors.ts";
import { createLogger } from "../util/log.ts";
import { ensureKubernetesProviderPlugin } from "./provider-plugin.ts";

const log = createLogger();
try {
  log.info(`kubernetes provider plugin ready: ${await ensureKubernetesProviderPlugin(log)}`);
} catch (error) {
  if (!isSandboxError(error)) throw error;
  log.warn(`${error.message}\n  fix: ${error.hint}`);
  process.exitCode = error.exitCode;
}
