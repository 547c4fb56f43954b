import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { infrastructureError } from "../errors.ts";
import { cacheDir, projectRoot } from "../paths.ts";
import { docker } from "../runtime/docker.ts";
import { BASE_IMAGE } from "../toolchain.ts";
import { runProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { type DebianMirrors, readDebianMirrors } from "./debian-mirror.ts";

export const RECIPE_LABEL = "sandbox.recipe-sha256";
export const baseRecipePath = () => join(projectRoot, "images", "base", "rootfs.sh");

/** The recipe's identity: the rootfs script and the mirrors it is built from. */
export function baseRecipeHash(script: string, mirrors: DebianMirrors): string {
  return createHash("sha256").update(script).update(JSON.stringify(mirrors)).digest("hex");
}

/** The recipe hash stored on the local base image, or undefined when there is no such image. */
export async function installedBaseRecipe(): Promise<string | undefined> {
  try {
    const info = await docker().getImage(BASE_IMAGE).inspect();
    return info.Config?.Labels?.[RECIPE_LABEL] ?? "";
  } catch {
    return undefined;
  }
}

/** Builds sandbox/base:bookworm with debootstrap + import, only when the recipe changed. */
export async function ensureBaseImage(log: Logger): Promise<{ image: string; rebuilt: boolean }> {
  const mirrors = readDebianMirrors();
  const hash = baseRecipeHash(readFileSync(baseRecipePath(), "utf8"), mirrors);
  if ((await installedBaseRecipe()) === hash) {
    log.info(`${BASE_IMAGE} is up to date (recipe ${hash.slice(0, 12)})`);
    return { image: BASE_IMAGE, rebuilt: false };
  }
  await log.step(`build ${BASE_IMAGE} with debootstrap from ${mirrors.main} (about a minute)`, async () => {
    await mkdir(cacheDir(), { recursive: true });
    const rootfs = await mkdtemp(join(cacheDir(), "base-rootfs-"));
    try {
      const args = [baseRecipePath(), rootfs, mirrors.main, ...(mirrors.security ? [mirrors.security] : [])];
      await runProgram("bash", args, {
        timeout: 900_000,
        failureHint: `check that ${mirrors.main} answers (\`apt-get update\`) and that debootstrap is installed`,
      });
      await importRootfs(rootfs, hash);
    } finally {
      await rm(rootfs, { recursive: true, force: true });
    }
  });
  return { image: BASE_IMAGE, rebuilt: true };
}

async function importRootfs(rootfs: string, hash: string): Promise<void> {
  const [repo, tag] = BASE_IMAGE.split(":");
  const tar = execa("tar", ["-C", rootfs, "--numeric-owner", "-c", "."], { buffer: false, stdout: "pipe" });
  try {
    const stream = await docker().importImage(
      tar.stdout as unknown as string,
      {
        repo,
        tag,
        changes: [`LABEL ${RECIPE_LABEL}=${hash}`, 'CMD ["/bin/bash"]', "ENV LANG=C.UTF-8"],
      } as object,
    );
    await new Promise<void>((resolve, reject) =>
      docker().modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
        const failed = error ?? events.find((event) => event.error);
        if (failed) reject(failed instanceof Error ? failed : new Error(String(failed.error)));
        else resolve();
      }),
    );
    await tar;
  } catch (error) {
    throw infrastructureError(
      "BASE_IMPORT_FAILED",
      `docker import of the base root filesystem failed: ${(error as Error).message}`,
      "check `docker info` and free disk space, then run `npm run setup` again",
      error,
    );
  }
}
