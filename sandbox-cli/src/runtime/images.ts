import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { infrastructureError, missingToolError } from "../errors.ts";
import { cacheDir, projectRoot } from "../paths.ts";
import { BASE_IMAGE } from "../toolchain.ts";
import { listFiles } from "../util/files.ts";
import type { Logger } from "../util/log.ts";
import { docker } from "./docker.ts";

export const CONTEXT_LABEL = "sandbox.context-sha256";

/** An image of the project: `images/<folder>/` holds its Dockerfile and, optionally, `prepare.ts`. */
export interface ImageRecipe {
  /** Repository name, e.g. "sandbox/media-nginx". */
  readonly name: string;
  /** Folder under images/, e.g. "media-nginx". */
  readonly folder: string;
}

export interface BuiltImage {
  readonly tag: string;
  readonly id: string;
  readonly contextHash: string;
  readonly rebuilt: boolean;
}

/** A `prepare.ts` beside a Dockerfile exports this; it adds generated files (bundles, configs) to the context. */
export type PrepareContext = (contextDir: string, options: { cacheDir: string }) => Promise<void>;

/** Content hash of a build context: every file's path, mode and bytes, plus the base image it builds FROM. */
export async function hashContext(
  contextDir: string,
  baseImageId: string,
): Promise<{ hash: string; files: string[] }> {
  const files = await listFiles(contextDir);
  const hash = createHash("sha256").update(`base ${baseImageId}\n`);
  for (const file of files) {
    const path = join(contextDir, file);
    const info = await stat(path);
    hash
      .update(`${file}\0${info.mode & 0o777}\0`)
      .update(await readFile(path))
      .update("\0");
  }
  return { hash: hash.digest("hex"), files };
}

async function baseImageId(): Promise<string> {
  try {
    return (await docker().getImage(BASE_IMAGE).inspect()).Id;
  } catch (error) {
    throw missingToolError(
      "BASE_IMAGE_MISSING",
      `${BASE_IMAGE} is not in the local Docker Engine`,
      "run `npm run setup`",
      error,
    );
  }
}

async function existingImage(tag: string, contextHash: string): Promise<string | undefined> {
  try {
    const info = await docker().getImage(tag).inspect();
    return info.Config?.Labels?.[CONTEXT_LABEL] === contextHash ? info.Id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds `images/<folder>` into `<name>:<hash12>` (and `<name>:latest`) unless an image with the same
 * context hash exists: rebuilt only when its inputs (files, generated files, base image) change.
 */
export async function ensureImage(recipe: ImageRecipe, log: Logger): Promise<BuiltImage> {
  const sourceDir = join(projectRoot, "images", recipe.folder);
  if (!existsSync(join(sourceDir, "Dockerfile"))) {
    throw infrastructureError(
      "IMAGE_RECIPE_MISSING",
      `images/${recipe.folder}/Dockerfile does not exist`,
      "restore the images/ folder from git",
    );
  }
  await mkdir(join(cacheDir(), "build-contexts"), { recursive: true });
  const contextDir = await mkdtemp(join(cacheDir(), "build-contexts", `${recipe.folder}-`));
  try {
    await cp(sourceDir, contextDir, { recursive: true });
    const preparePath = join(sourceDir, "prepare.ts");
    if (existsSync(preparePath)) {
      await rm(join(contextDir, "prepare.ts"));
      const { prepare } = (await import(pathToFileURL(preparePath).href)) as { prepare: PrepareContext };
      await prepare(contextDir, { cacheDir: cacheDir() });
    }
    const { hash, files } = await hashContext(contextDir, await baseImageId());
    const tag = `${recipe.name}:${hash.slice(0, 12)}`;
    const existing = await existingImage(tag, hash);
    if (existing) return { tag, id: existing, contextHash: hash, rebuilt: false };
    await log.step(`build image ${tag} from images/${recipe.folder}`, () =>
      buildContext(contextDir, files, tag, hash),
    );
    await docker().getImage(tag).tag({ repo: recipe.name, tag: "latest" });
    const id = (await docker().getImage(tag).inspect()).Id;
    return { tag, id, contextHash: hash, rebuilt: true };
  } finally {
    await rm(contextDir, { recursive: true, force: true });
  }
}

async function buildContext(contextDir: string, files: string[], tag: string, hash: string): Promise<void> {
  const stream = await docker().buildImage(
    { context: contextDir, src: files },
    { t: tag, labels: { [CONTEXT_LABEL]: hash, "sandbox.managed": "true" }, rm: true, forcerm: true },
  );
  const events = await new Promise<{ error?: string; stream?: string }[]>((resolve, reject) =>
    docker().modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) =>
      error ? reject(error) : resolve(output),
    ),
  );
  const failed = events.find((event) => event.error);
  if (failed) {
    const tail = events
      .map((event) => event.stream ?? "")
      .join("")
      .trim()
      .split("\n")
      .slice(-8)
      .join("\n");
    throw infrastructureError(
      "IMAGE_BUILD_FAILED",
      `docker build of ${tag} failed: ${failed.error}\n${tail}`,
      "fix the Dockerfile or its inputs; `apt-get` inside builds needs the Debian mirror to answer",
    );
  }
}
