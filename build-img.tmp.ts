import { ensureImage } from "./sandbox-cli/src/runtime/images.ts";
import { createLogger } from "./sandbox-cli/src/util/log.ts";
const log = createLogger();
for (const name of process.argv.slice(2)) console.log((await ensureImage({ name: `sandbox/${name}`, folder: name }, log)).tag);
