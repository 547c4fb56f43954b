import type { Readable } from "node:stream";
import type { Finding } from "./profile.ts";

/** One file of the package whose name passed the safety checks. */
export interface SourceEntry {
  /** Normalized package path with '/' separators, never absolute, never containing '..'. */
  path: string;
  compressedBytes: number;
  uncompressedBytes: number;
  /** False when the entry is listed but its bytes must not be read (bomb, encrypted, over a cap). */
  readable: boolean;
}

/** Where ffprobe can read a stored (uncompressed) zip entry in place, without extracting it. */
export interface StoredRange {
  file: string;
  start: number;
  end: number;
}

export type EntryVisitor = (entry: SourceEntry, data: Readable, stored?: StoredRange) => Promise<void>;

/** A zip file or a directory, listed once, then streamed entry by entry in storage order. */
export interface CourseSource {
  readonly kind: "zip" | "dir";
  readonly location: string;
  /** Files only (directories are not entries); in storage order. */
  readonly entries: readonly SourceEntry[];
  /** Problems seen while listing (unsafe names, duplicates, caps). */
  readonly findings: Finding[];
  /**
   * Streams every readable entry to `visit`, which must consume the stream. Damaged data
   * (CRC, inflate, sizes) becomes a CORRUPT_ENTRY finding, never a rejection.
   * Resolves with the package sha256 (see CourseProfile.sha256).
   */
  scan(visit: EntryVisitor): Promise<{ sha256: string }>;
  close(): Promise<void>;
}

export interface SourceCaps {
  maxEntries: number;
  maxUncompressedBytes: number;
  maxCompressionRatio: number;
}

/** Small entries compress far beyond any sane ratio (a page of spaces); only judge ratios above this. */
export const RATIO_CHECK_MIN_BYTES = 256 * 1024;
