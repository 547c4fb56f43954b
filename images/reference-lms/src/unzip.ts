import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, posix, relative, resolve, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";

export interface UnzipCaps {
  readonly maxEntries: number;
  readonly maxUncompressedBytes: number;
}

export class UnsafeZipError extends Error {}

const hasControlCharacter = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20);

/**
 * The safe relative path of a zip entry, or an error: absolute names, drive letters, `..`,
 * backslashes and control characters are refused, never rewritten.
 */
export function safeEntryPath(name: string): string {
  if (name.includes("\\") || hasControlCharacter(name))
    throw new UnsafeZipError(`unsafe entry name ${JSON.stringify(name)}`);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name))
    throw new UnsafeZipError(`absolute entry name ${JSON.stringify(name)}`);
  if (name.split("/").includes(".."))
    throw new UnsafeZipError(`entry ${JSON.stringify(name)} climbs out with '..'`);
  const cleaned = posix.normalize(name).replace(/^(\.\/)+/, "");
  if (cleaned === "" || cleaned === "." || cleaned.startsWith("../"))
    throw new UnsafeZipError(`entry ${JSON.stringify(name)} names no file`);
  return cleaned;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Extracts regular files and folders of `zipPath` into the (new, empty) `targetDir`; symlinks are refused. */
export async function extractZip(
  zipPath: string,
  targetDir: string,
  caps: UnzipCaps,
): Promise<{ files: number; bytes: number }> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(
      zipPath,
      { lazyEntries: true, decodeStrings: true, validateEntrySizes: true },
      (error, file) => (error ? fail(error) : ok(file)),
    ),
  );
  const root = resolve(targetDir);
  let files = 0;
  let bytes = 0;
  let entries = 0;
  try {
    await new Promise<void>((done, fail) => {
      zip.on("error", fail);
      zip.on("end", () => done());
      zip.on("entry", (entry: yauzl.Entry) => {
        handle(entry).then(() => zip.readEntry(), fail);
      });
      zip.readEntry();
    });
  } catch (error) {
    // yauzl's own refusals (bad names, sizes that lie, broken structures) are the package's fault;
    // file system errors (disk full...) are ours and pass through.
    if (error instanceof UnsafeZipError || (error as NodeJS.ErrnoException).syscall) throw error;
    throw new UnsafeZipError(`the zip is damaged or unsafe: ${(error as Error).message}`);
  } finally {
    zip.close();
  }
  return { files, bytes };

  async function handle(entry: yauzl.Entry): Promise<void> {
    entries += 1;
    if (entries > caps.maxEntries) throw new UnsafeZipError(`more than ${caps.maxEntries} entries`);
    const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (mode === S_IFLNK)
      throw new UnsafeZipError(`entry ${JSON.stringify(entry.fileName)} is a symbolic link`);
    const path = safeEntryPath(entry.fileName);
    const target = resolve(root, path);
    if (target !== root && !target.startsWith(root + sep))
      throw new UnsafeZipError(`entry ${JSON.stringify(entry.fileName)} escapes`);
    if (entry.fileName.endsWith("/")) {
      await mkdir(target, { recursive: true });
      return;
    }
    if (bytes + entry.uncompressedSize > caps.maxUncompressedBytes)
      throw new UnsafeZipError(`more than ${caps.maxUncompressedBytes} bytes uncompressed`);
    await mkdir(dirname(target), { recursive: true });
    const stream = await new Promise<NodeJS.ReadableStream>((ok, fail) =>
      zip.openReadStream(entry, (error, readStream) => (error ? fail(error) : ok(readStream))),
    );
    // Count the bytes actually inflated: declared sizes can lie (yauzl also checks them).
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > caps.maxUncompressedBytes)
          callback(new UnsafeZipError(`more than ${caps.maxUncompressedBytes} bytes uncompressed`));
        else callback(null, chunk);
      },
    });
    await pipeline(stream, counter, createWriteStream(target, { flags: "wx", mode: 0o644 }));
    files += 1;
  }
}

/** Resolves a request path inside `root`, or undefined when it would leave it. */
export function resolveInside(root: string, requested: string): string | undefined {
  if (requested.includes("\0")) return undefined;
  const target = resolve(root, `.${posix.sep}${requested}`);
  const rel = relative(resolve(root), target);
  if (rel === "" || rel.startsWith("..") || rel.includes(`..${sep}`) || resolve(root, rel) !== target)
    return undefined;
  return join(resolve(root), rel);
}
