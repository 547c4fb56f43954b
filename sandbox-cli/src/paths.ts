import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The checkout this CLI runs from (holds images/, loadtests/, node_modules/). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Per-checkout tool links (`.tools/bin`), kept out of git. */
export const toolsBinDir = join(projectRoot, ".tools", "bin");

/** Sandbox state (Pulumi backend, locks, run results): SANDBOX_STATE_DIR, else XDG state. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SANDBOX_STATE_DIR) return resolve(env.SANDBOX_STATE_DIR);
  const base = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(base, "elearning-sandbox");
}

/** Settings kept apart from the state (the stack passphrase): SANDBOX_CONFIG_DIR, else XDG config. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SANDBOX_CONFIG_DIR) return resolve(env.SANDBOX_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "elearning-sandbox");
}

/** Build caches shared by every checkout on the machine (tool builds): SANDBOX_CACHE_DIR, else XDG cache. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SANDBOX_CACHE_DIR) return resolve(env.SANDBOX_CACHE_DIR);
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "elearning-sandbox");
}

/** PATH with the project's tool links first, so pinned builds win over whatever else is installed. */
export function pathWithTools(env: NodeJS.ProcessEnv = process.env): string {
  return [toolsBinDir, env.PATH ?? ""].filter(Boolean).join(":");
}
