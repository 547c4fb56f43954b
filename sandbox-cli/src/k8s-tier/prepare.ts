/** `npm run test:k8s` runs this first: builds the tier's toolchain (slow once, then cached). */
import { isSandboxError } from "../errors.ts";
import { createLogger } from "../util/log.ts";
import { ensureTierToolchain } from "./toolchain.ts";

const log = createLogger();
try {
  const toolchain = await ensureTierToolchain(log);
  log.info(`k8s tier toolchain ready: ${JSON.stringify(toolchain.binaries)}`);
} catch (error) {
  if (isSandboxError(error)) {
    log.warn(`${error.message}\n  fix: ${error.hint}`);
    process.exitCode = error.exitCode;
  } else {
    throw error;
  }
}
