import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { lstat, opendir } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { finding } from "./findings.ts";
import { caseCollision, checkEntryName } from "./paths.ts";
import type { Finding } from "./profile.ts";
import type { CourseSource, EntryVisitor, SourceCaps, SourceEntry } from "./source.ts";

/** An unpacked course folder: walked without following links, files read as they are. */
export async function openDirSource(root: string, caps: SourceCaps): Promise<CourseSource> {
  const findings: Finding[] = [];
  const entries = await walk(root, caps, findings);
  return {
    kind: "dir",
    location: root,
    entries,
    findings,
    scan: (visit) => scanDir(root, entries, findings, visit),
    close: async () => {},
  };
}

async function walk(root: string, caps: SourceCaps, findings: Finding[]): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = [];
  const seenLower = new Map<string, string>();
  let total = 0;
  const pending: string[] = [""];
  while (pending.length > 0) {
    const relativeDir = pending.pop() as string;
    const names: string[] = [];
    try {
      for await (const dirent of await opendir(join(root, relativeDir))) names.push(dirent.name);
    } catch (error) {
      findings.push(
        finding(
          "CORRUPT_ENTRY",
          `folder "${relativeDir || "."}" could not be read: ${(error as Error).message}`,
          {
            path: relativeDir || undefined,
          },
        ),
      );
      continue;
    }
    names.sort();
    for (const name of names) {
      const relative = relativeDir ? `${relativeDir}/${name}` : name;
      if (entries.length >= caps.maxEntries) {
        findings.push(
          finding(
            "TOO_MANY_ENTRIES",
            `the folder has more than ${caps.maxEntries} files; only the first ${caps.maxEntries} were looked at (raise the cap with --max-entries if the package is genuine)`,
          ),
        );
        return entries;
      }
      if (name.includes("\uFFFD"))
        findings.push(
          finding("NON_UTF8_NAME", `file name ${JSON.stringify(relative)} is not valid UTF-8`, {
            path: relative,
          }),
        );
      const check = checkEntryName(relative);
      if (!check.ok) {
        findings.push(check.finding);
        continue;
      }
      const stats = await lstat(join(root, relative));
      if (stats.isSymbolicLink()) {
        findings.push(
          finding("SYMLINK_ENTRY", `"${relative}" is a symbolic link; it was not followed`, {
            path: relative,
          }),
        );
      } else if (stats.isDirectory()) {
        pending.push(relative);
      } else if (!stats.isFile()) {
        findings.push(
          finding(
            "UNSAFE_PATH",
            `"${relative}" is not a regular file (device, socket or pipe); it was not read`,
            {
              path: relative,
            },
          ),
        );
      } else {
        const collision = caseCollision(relative, seenLower);
        if (collision) findings.push(collision);
        const readable = total + stats.size <= caps.maxUncompressedBytes;
        if (readable) total += stats.size;
        else
          findings.push(
            finding(
              "TOO_LARGE",
              `"${relative}" takes the package over the cap of ${caps.maxUncompressedBytes} bytes; it was not read (raise the cap with --max-bytes if the package is genuine)`,
              { path: relative },
            ),
          );
        entries.push({
          path: relative,
          compressedBytes: stats.size,
          uncompressedBytes: stats.size,
          readable,
        });
      }
    }
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function scanDir(
  root: string,
  entries: readonly SourceEntry[],
  findings: Finding[],
  visit: EntryVisitor,
): Promise<{ sha256: string }> {
  const listing = createHash("sha256");
  for (const entry of entries) {
    if (!entry.readable) continue;
    const hashing = new HashThrough();
    try {
      const data = createReadStream(join(root, entry.path));
      const piped = data.pipe(hashing);
      data.on("error", (error) => piped.destroy(error));
      await visit(entry, piped);
      listing.update(`${entry.path}\0${hashing.digest()}\n`);
    } catch (error) {
      entry.readable = false;
      findings.push(
        finding("CORRUPT_ENTRY", `"${entry.path}" could not be read: ${(error as Error).message}`, {
          path: entry.path,
        }),
      );
    }
  }
  return { sha256: listing.digest("hex") };
}

class HashThrough extends Transform {
  private readonly hash = createHash("sha256");
  private result = "";
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    this.result = this.hash.digest("hex");
    done();
  }
  digest(): string {
    return this.result;
  }
}
