import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type FindingCode, finding } from "./findings.ts";
import { type MediaLocation, mediaExtensions, probeMedia } from "./media.ts";
import { PageScanner, pageKindOf } from "./page-scan.ts";
import { extensionOf } from "./paths.ts";
import type { Finding, Media, ObsoleteTechnology } from "./profile.ts";
import type { FileRef } from "./references.ts";
import type { CourseSource, SourceEntry, StoredRange } from "./source.ts";

export const SCAN_LIMITS = {
  descriptorBytes: 8 * 1024 * 1024,
  playlistBytes: 4 * 1024 * 1024,
  pageBytes: 16 * 1024 * 1024,
  /** References kept from all pages together, so a package of many dense pages cannot exhaust memory. */
  pageRefsTotal: 100_000,
  mediaProbed: 200,
  probesInFlight: 2,
};

const obsoleteByExtension: Record<string, ObsoleteTechnology["kind"]> = {
  swf: "flash",
  jar: "java-applet",
  class: "java-applet",
  xap: "silverlight",
  dcr: "shockwave",
};

export interface ScanOptions {
  /** Files read whole into memory (descriptors), by package path. */
  buffered: ReadonlySet<string>;
  tempDir: string;
  probeMedia: boolean;
}

export interface ScanResult {
  sha256: string;
  buffers: Map<string, Uint8Array>;
  playlists: Map<string, Uint8Array>;
  pageRefs: FileRef[];
  obsolete: ObsoleteTechnology[];
  media: Media[];
  findings: Finding[];
}

/**
 * Reads every entry once, in storage order: descriptors and playlists are kept (bounded), pages are
 * scanned as they stream, media go to ffprobe (read in place when stored, else extracted to the
 * private temp dir and deleted after probing), everything else is drained so its CRC is checked.
 */
export async function scanSource(source: CourseSource, options: ScanOptions): Promise<ScanResult> {
  const result: ScanResult = {
    sha256: "",
    buffers: new Map(),
    playlists: new Map(),
    pageRefs: [],
    obsolete: [],
    media: [],
    findings: [],
  };
  const probes = new Set<Promise<void>>();
  let mediaSeen = 0;
  let toolMissing = false;
  const startProbe = async (entry: SourceEntry, location: MediaLocation, cleanup?: string) => {
    while (probes.size >= SCAN_LIMITS.probesInFlight) await Promise.race(probes);
    const probe = probeMedia(entry.path, location, entry.uncompressedBytes)
      .then(async (outcome) => {
        if ("media" in outcome) result.media.push(outcome.media);
        else if (!outcome.missingTool) result.findings.push(outcome.finding);
        else if (!toolMissing) {
          toolMissing = true;
          result.findings.push(outcome.finding);
        }
      })
      .finally(async () => {
        if (cleanup) await rm(cleanup, { force: true });
        probes.delete(probe);
      });
    probes.add(probe);
  };

  const visit = async (entry: SourceEntry, data: Readable, stored?: StoredRange) => {
    const extension = extensionOf(entry.path);
    const keep = async (into: Map<string, Uint8Array>, limit: number, code: FindingCode) => {
      const bytes = await readBounded(data, limit);
      if (bytes) into.set(entry.path, bytes);
      else
        result.findings.push(
          finding(code, `${entry.path} is over ${limit} bytes; it was not parsed`, { path: entry.path }),
        );
    };
    if (options.buffered.has(entry.path))
      return keep(result.buffers, SCAN_LIMITS.descriptorBytes, "DESCRIPTOR_TOO_LARGE");
    if (extension === "m3u8" || extension === "mpd")
      return keep(result.playlists, SCAN_LIMITS.playlistBytes, "BAD_PLAYLIST");
    const obsolete = obsoleteByExtension[extension];
    if (obsolete) result.obsolete.push({ kind: obsolete, path: entry.path });
    if (extension === "zip")
      result.findings.push(
        finding(
          "NESTED_ZIP",
          `${entry.path} is a zip inside the package; it was not inspected and LMSs serve it as a download`,
          {
            path: entry.path,
          },
        ),
      );
    const pageKind = pageKindOf(extension);
    if (pageKind) {
      const scanner = new PageScanner(entry.path, pageKind, SCAN_LIMITS.pageBytes);
      for await (const chunk of data) scanner.push(chunk as Buffer);
      const scanned = scanner.finish();
      const room = SCAN_LIMITS.pageRefsTotal - result.pageRefs.length;
      if (scanned.refs.length > room) scanned.truncated = true;
      result.pageRefs.push(...scanned.refs.slice(0, Math.max(0, room)));
      for (const kind of scanned.obsolete) result.obsolete.push({ kind, path: entry.path });
      if (scanned.truncated)
        result.findings.push(
          finding(
            "SCAN_TRUNCATED",
            `${entry.path} is large or dense; only part of it was scanned for references`,
            {
              path: entry.path,
            },
          ),
        );
      return;
    }
    if (mediaExtensions.has(extension) && options.probeMedia && mediaSeen < SCAN_LIMITS.mediaProbed) {
      mediaSeen += 1;
      if (stored) {
        await drain(data);
        await startProbe(entry, { stored });
      } else if (source.kind === "dir") {
        await drain(data);
        await startProbe(entry, { file: join(source.location, entry.path) });
      } else {
        const file = join(options.tempDir, `media-${mediaSeen}.${extension}`);
        try {
          await pipeline(data, createWriteStream(file, { flags: "wx" }));
        } catch (error) {
          await rm(file, { force: true });
          throw error;
        }
        await startProbe(entry, { file }, file);
      }
      return;
    }
    if (mediaExtensions.has(extension)) mediaSeen += 1;
    await drain(data);
  };

  const { sha256 } = await source.scan(visit);
  await Promise.all([...probes]);
  result.sha256 = sha256;
  if (mediaSeen > SCAN_LIMITS.mediaProbed || (!options.probeMedia && mediaSeen > 0))
    result.findings.push(
      finding(
        "MEDIA_NOT_PROBED",
        options.probeMedia
          ? `${mediaSeen - SCAN_LIMITS.mediaProbed} of ${mediaSeen} media files were not probed (only the first ${SCAN_LIMITS.mediaProbed} are)`
          : `${mediaSeen} media files were not probed (media probing is off)`,
      ),
    );
  return result;
}

async function drain(data: Readable): Promise<void> {
  for await (const _ of data) {
    // reading is the point: it runs the CRC and size checks
  }
}

/** Reads a whole stream when it fits in `limit` bytes; otherwise drains it and returns undefined. */
async function readBounded(data: Readable, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of data) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  return size <= limit ? Buffer.concat(chunks) : undefined;
}
