/**
 * Kernel settings the node's programs change for the whole machine: the kubelet sets its "kernel
 * tunables" (vm.overcommit_memory=1, kernel.panic=10, kernel.panic_on_oops=1, ...) at start, and
 * kube-proxy may set route_localnet. `up` keeps their values before, `down` puts them back, so a
 * machine shared with other work is left as it was.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { z } from "zod";

export const NODE_SYSCTLS = [
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
  "net/ipv4/conf/all/route_localnet",
] as const;

const Saved = z.record(z.string(), z.string());
const procPath = (key: string) => `/proc/sys/${key}`;

/** Writes the current values to `file`, unless an earlier `up` already did (its values are the originals). */
export async function saveSysctls(file: string): Promise<void> {
  if (existsSync(file)) return;
  const saved: Record<string, string> = {};
  for (const key of NODE_SYSCTLS) {
    const value = await readFile(procPath(key), "utf8").catch(() => undefined);
    if (value !== undefined) saved[key] = value.trim();
  }
  await writeFile(file, `${JSON.stringify(saved, null, 2)}\n`);
}

/** Puts back every value `saveSysctls` kept; returns the keys it changed. */
export async function restoreSysctls(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  const parsed = Saved.safeParse(JSON.parse(await readFile(file, "utf8").catch(() => "{}")));
  const changed: string[] = [];
  for (const [key, value] of Object.entries(parsed.success ? parsed.data : {})) {
    if (!(NODE_SYSCTLS as readonly string[]).includes(key)) continue;
    const now = (await readFile(procPath(key), "utf8").catch(() => "")).trim();
    if (now === value) continue;
    await writeFile(procPath(key), value).catch(() => undefined);
    changed.push(key);
  }
  return changed;
}
