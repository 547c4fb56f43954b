import { createWriteStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";

/** Already-compressed media gains nothing from deflate; storing it keeps the build fast. */
const STORED = /\.(ts|m4s|mp4|m4a|aac|mp3|jpg|jpeg|png|gif|webp|woff2?)$/i;

/**
 * Built from local-time parts with DOS-only timestamps (no UTC extra field), so the bytes are the same
 * in every time zone: what makes the zip reproducible.
 */
const FIXED_MTIME = new Date(2000, 0, 1, 0, 0, 0);

/** Every file below `root`, as "/"-separated relative paths in byte order. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Zips `root`'s files into `zipPath` reproducibly (sorted entries, fixed times and modes): the same folder gives the same bytes. */
export async function zipFolder(root: string, zipPath: string): Promise<number> {
  const files = await listFiles(root);
  const zip = new ZipFile();
  for (const file of files) {
    zip.addFile(join(root, file), file, {
      mtime: FIXED_MTIME,
      mode: 0o100644,
      compress: !STORED.test(file),
      forceDosTimestamp: true,
    });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  return files.length;
}
