import { createReadStream } from "node:fs";
import { pipeline, Readable, Transform, type TransformCallback } from "node:stream";
import { crc32, createInflateRaw } from "node:zlib";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import { finding } from "./findings.ts";
import { hashFile } from "./hash.ts";
import { caseCollision, checkEntryName } from "./paths.ts";
import type { Finding } from "./profile.ts";
import {
  type CourseSource,
  type EntryVisitor,
  RATIO_CHECK_MIN_BYTES,
  type SourceCaps,
  type SourceEntry,
} from "./source.ts";

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const UNIX_HOST = 3;
const utf8 = new TextDecoder("utf-8", { fatal: true });

interface ListedEntry {
  entry: SourceEntry;
  raw: Entry;
}

/** Opens a zip with yauzl: names decoded and checked here (never silently renamed), sizes enforced. */
export async function openZipSource(file: string, caps: SourceCaps): Promise<CourseSource> {
  const zip = await yauzl.openPromise(file, {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: true,
  });
  const findings: Finding[] = [];
  const listed = await listEntries(zip, caps, findings);
  return {
    kind: "zip",
    location: file,
    entries: listed.map((item) => item.entry),
    findings,
    scan: (visit) => scanZip(zip, file, listed, findings, visit),
    close: async () => zip.close(),
  };
}

async function listEntries(zip: ZipFile, caps: SourceCaps, findings: Finding[]): Promise<ListedEntry[]> {
  const listed: ListedEntry[] = [];
  const seen = new Set<string>();
  const seenLower = new Map<string, string>();
  let declaredTotal = 0;
  let count = 0;
  try {
    for await (const raw of zip.eachEntry()) {
      count += 1;
      if (count > caps.maxEntries) {
        findings.push(
          finding(
            "TOO_MANY_ENTRIES",
            `the zip has more than ${caps.maxEntries} entries; only the first ${caps.maxEntries} were looked at (raise the cap with --max-entries if the package is genuine)`,
          ),
        );
        break;
      }
      const name = decodeName(raw, findings);
      const check = checkEntryName(name);
      if (!check.ok) {
        findings.push(check.finding);
        continue;
      }
      const path = check.path;
      const mode = (raw.externalFileAttributes >>> 16) & S_IFMT;
      if (raw.versionMadeBy >>> 8 === UNIX_HOST && mode === S_IFLNK) {
        findings.push(
          finding("SYMLINK_ENTRY", `entry "${path}" is a symbolic link; it was not followed`, { path }),
        );
        continue;
      }
      if (path.endsWith("/")) continue;
      if (seen.has(path)) {
        findings.push(
          finding("DUPLICATE_ENTRY", `entry "${path}" appears more than once; only the first copy was read`, {
            path,
          }),
        );
        continue;
      }
      seen.add(path);
      const collision = caseCollision(path, seenLower);
      if (collision) findings.push(collision);
      const entry: SourceEntry = {
        path,
        compressedBytes: raw.compressedSize,
        uncompressedBytes: raw.uncompressedSize,
        readable: true,
      };
      entry.readable = judgeEntry(raw, entry, caps, declaredTotal, findings);
      if (entry.readable) declaredTotal += raw.uncompressedSize;
      listed.push({ entry, raw });
    }
  } catch (error) {
    findings.push(
      finding(
        "CORRUPT_ENTRY",
        `the zip's central directory is damaged after ${listed.length} entries (${(error as Error).message}); the rest was not read`,
      ),
    );
  }
  refuseOverallRatio(listed, declaredTotal, zip.fileSize, caps, findings);
  return listed;
}

/** Many small entries escape the per-entry ratio check: the whole package's expansion is capped too. */
function refuseOverallRatio(
  listed: readonly ListedEntry[],
  declaredTotal: number,
  zipBytes: number,
  caps: SourceCaps,
  findings: Finding[],
): void {
  const ratio = declaredTotal / Math.max(1, zipBytes);
  if (declaredTotal <= RATIO_CHECK_MIN_BYTES || ratio <= caps.maxCompressionRatio) return;
  findings.push(
    finding(
      "PACKAGE_COMPRESSION_RATIO",
      `the ${listed.length} entries expand to ${declaredTotal} bytes, ${Math.round(ratio)}x the zip's ${zipBytes} bytes (over the cap of ${caps.maxCompressionRatio}x): a likely zip bomb; nothing was inflated (raise the cap with --max-ratio if the package is genuine)`,
    ),
  );
  for (const item of listed) item.entry.readable = false;
}

/** Decides whether an entry's bytes may be read; each refusal is a finding. */
function judgeEntry(
  raw: Entry,
  entry: SourceEntry,
  caps: SourceCaps,
  declaredTotal: number,
  findings: Finding[],
): boolean {
  const path = entry.path;
  if (raw.isEncrypted()) {
    findings.push(
      finding("ENCRYPTED_ENTRY", `entry "${path}" is encrypted; it cannot be served to learners`, { path }),
    );
    return false;
  }
  if (raw.compressionMethod !== 0 && raw.compressionMethod !== 8) {
    findings.push(
      finding(
        "UNSUPPORTED_COMPRESSION",
        `entry "${path}" uses compression method ${raw.compressionMethod}; LMSs only read stored (0) and deflate (8) entries`,
        { path },
      ),
    );
    return false;
  }
  const ratio = raw.uncompressedSize / Math.max(1, raw.compressedSize);
  if (raw.uncompressedSize > RATIO_CHECK_MIN_BYTES && ratio > caps.maxCompressionRatio) {
    findings.push(
      finding(
        "COMPRESSION_RATIO",
        `entry "${path}" expands ${Math.round(ratio)}x (over the cap of ${caps.maxCompressionRatio}x): a likely zip bomb; it was not inflated`,
        { path },
      ),
    );
    return false;
  }
  if (declaredTotal + raw.uncompressedSize > caps.maxUncompressedBytes) {
    findings.push(
      finding(
        "TOO_LARGE",
        `entry "${path}" takes the package over the cap of ${caps.maxUncompressedBytes} uncompressed bytes; it was not read (raise the cap with --max-bytes if the package is genuine)`,
        { path },
      ),
    );
    return false;
  }
  return true;
}

/** UTF-8 when flagged or when the bytes are valid UTF-8 (what most tools write), else CP437 with a warning. */
function decodeName(raw: Entry, findings: Finding[]): string {
  const flagged = (raw.generalPurposeBitFlag & 0x800) !== 0;
  const hasUnicodeExtra = raw.extraFields.some((field) => field.id === 0x7075);
  const bytes = raw.fileNameRaw;
  const ascii = bytes.every((byte) => byte < 0x80);
  if (ascii || hasUnicodeExtra)
    return yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, bytes, raw.extraFields, true);
  try {
    return utf8.decode(bytes);
  } catch {
    const name = flagged
      ? bytes.toString("utf8")
      : yauzl.getFileNameLowLevel(raw.generalPurposeBitFlag, bytes, raw.extraFields, true);
    findings.push(
      finding(
        "NON_UTF8_NAME",
        `entry name ${JSON.stringify(name)} is not valid UTF-8${flagged ? " although the zip says it is" : " (read as CP437)"}; LMSs may show or store it differently`,
        { path: name },
      ),
    );
    return name;
  }
}

async function scanZip(
  zip: ZipFile,
  file: string,
  listed: readonly ListedEntry[],
  findings: Finding[],
  visit: EntryVisitor,
): Promise<{ sha256: string }> {
  const [sha256] = await Promise.all([hashFile(file), visitEntries(zip, file, listed, findings, visit)]);
  return { sha256 };
}

async function visitEntries(
  zip: ZipFile,
  file: string,
  listed: readonly ListedEntry[],
  findings: Finding[],
  visit: EntryVisitor,
): Promise<void> {
  const ordered = listed
    .filter((item) => item.entry.readable)
    .sort((a, b) => a.raw.relativeOffsetOfLocalHeader - b.raw.relativeOffsetOfLocalHeader);
  let previousEnd = 0;
  for (const { entry, raw } of ordered) {
    const path = entry.path;
    try {
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(raw, { minimal: true });
      if (fileDataStart < previousEnd) {
        findings.push(
          finding(
            "OVERLAPPING_ENTRIES",
            `entry "${path}" shares its bytes with another entry (a zip bomb technique); it was not read`,
            { path },
          ),
        );
        entry.readable = false;
        continue;
      }
      previousEnd = fileDataStart + raw.compressedSize;
      const data = openEntryData(file, fileDataStart, raw);
      const stored =
        raw.compressionMethod === 0 ? { file, start: fileDataStart, end: previousEnd } : undefined;
      try {
        await visit(entry, data, stored);
      } finally {
        // a consumer that failed half-way must not leave the file stream open
        data.destroy();
      }
    } catch (error) {
      entry.readable = false;
      findings.push(
        finding("CORRUPT_ENTRY", `entry "${path}" is damaged: ${(error as Error).message}`, { path }),
      );
    }
  }
}

const READ_CHUNK = 256 * 1024;
const INFLATE_CHUNK = 64 * 1024;

/**
 * The entry's bytes, read with large chunks (yauzl's own streams read 16 KiB at a time, which
 * doubles the CPU cost on big media), inflated when deflated, and checked for size and CRC-32.
 */
function openEntryData(file: string, fileDataStart: number, raw: Entry): Readable {
  const check = new CrcCheck(raw.crc32, raw.uncompressedSize);
  const source =
    raw.compressedSize === 0
      ? Readable.from([])
      : createReadStream(file, {
          start: fileDataStart,
          end: fileDataStart + raw.compressedSize - 1,
          highWaterMark: READ_CHUNK,
        });
  const stages: NodeJS.ReadWriteStream[] =
    raw.compressionMethod === 8 ? [createInflateRaw({ chunkSize: INFLATE_CHUNK })] : [];
  pipeline([source, ...stages, check], () => {
    // errors reach the reader of `check`: pipeline destroys every stage with the first error
  });
  return check;
}

/** Passes bytes through and fails at the end when their CRC-32 differs from the one the zip declares. */
class CrcCheck extends Transform {
  private crc = 0;
  private size = 0;
  constructor(
    private readonly expected: number,
    private readonly expectedSize: number,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    // stop a lying header at once: never let more than one chunk past the declared size through
    if (this.size > this.expectedSize) {
      done(new Error(`too many bytes in the stream (the zip declares ${this.expectedSize})`));
      return;
    }
    this.crc = crc32(chunk, this.crc);
    done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    if (this.size !== this.expectedSize)
      done(
        new Error(`not enough bytes in the stream (the zip declares ${this.expectedSize}, got ${this.size})`),
      );
    else if (this.crc >>> 0 !== this.expected >>> 0)
      done(new Error(`CRC-32 mismatch (expected ${hex(this.expected)}, got ${hex(this.crc)})`));
    else done();
  }
}

const hex = (value: number) => (value >>> 0).toString(16).padStart(8, "0");
