import { createWriteStream } from "node:fs";
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";

/** Zips an unpacked course folder (regular files only, '/' separators) so it can be uploaded like a zip. */
export async function zipFolder(folder: string, zipPath: string): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const file of await listFiles(folder)) zip.addFile(join(folder, file), file.split("\\").join("/"));
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  return zipPath;
}

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path, root)));
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out.sort();
}
