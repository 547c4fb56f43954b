/** The sandbox lifecycle commands, one per file. */
export { downCommand } from "./down.ts";
export { gcCommand } from "./gc.ts";
export { listCommand } from "./list.ts";
export { statusCommand } from "./status.ts";
export { upCommand } from "./up.ts";
