import { existsSync } from "node:fs";
import { mkdir, readlink, rm, symlink } from "node:fs/promises";
import { join } from "node:path";
import { toolsBinDir } from "../paths.ts";

/** Links a per-machine cached build into this checkout's .tools/bin; returns the link. */
export async function linkIntoTools(target: string, name: string): Promise<string> {
  await mkdir(toolsBinDir, { recursive: true });
  const link = join(toolsBinDir, name);
  if (existsSync(link) && (await readlink(link).catch(() => "")) === target) return link;
  await rm(link, { force: true });
  await symlink(target, link);
  return link;
}
