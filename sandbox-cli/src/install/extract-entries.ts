import { createWriteStream } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { openDirSource } from "../course/dir-source.ts";
import { DEFAULT_INTAKE_CAPS } from "../course/profile.ts";
import { openZipSource } from "../course/zip-source.ts";

/**
 * Copies the package entries `select` picks into `destDir`, through the intake's safe sources: entry
 * names are already checked (no absolute paths, no `..`, no backslashes) and the caps apply, so nothing
 * lands outside `destDir`.
 */
export async function extractEntries(
  input: string,
  select: (path: string) => boolean,
  destDir: string,
): Promise<string[]> {
  const caps = {
    maxEntries: DEFAULT_INTAKE_CAPS.maxEntries,
    maxUncompressedBytes: DEFAULT_INTAKE_CAPS.maxUncompressedBytes,
    maxCompressionRatio: DEFAULT_INTAKE_CAPS.maxCompressionRatio,
  };
  const source = (await stat(input)).isDirectory()
    ? await openDirSource(input, caps)
    : await openZipSource(input, caps);
  const root = resolve(destDir);
  const written: string[] = [];
  try {
    await source.scan(async (entry, data) => {
      if (!entry.readable || !select(entry.path)) {
        data.resume();
        await new Promise((done) => data.once("end", done).once("error", done));
        return;
      }
      const target = resolve(root, entry.path);
      if (!target.startsWith(root + sep)) throw new Error(`refusing to write ${entry.path} outside ${root}`);
      await mkdir(dirname(target), { recursive: true });
      await pipeline(data, createWriteStream(target));
      written.push(entry.path);
    });
  } finally {
    await source.close();
  }
  return written;
}

export const insideFolder = (folder: string) => (path: string) =>
  folder === "" || path.startsWith(`${folder}/`);
export const joinUnder = (root: string, relative: string) => join(root, ...relative.split("/"));
