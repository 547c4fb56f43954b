import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  isHlsPlaylist,
  isMasterPlaylist,
  parseMasterPlaylist,
  parseMediaPlaylist,
  renditionName,
  segmentBitrates,
} from "../../../loadtests/lib/hls/index.ts";
import type { MeasuredRendition } from "../capacity/measured.ts";
import { usageError } from "../errors.ts";

async function findPlaylists(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findPlaylists(path)));
    else if (entry.isFile() && entry.name.endsWith(".m3u8")) out.push(path);
  }
  return out.sort();
}

async function measureMediaPlaylist(path: string, root: string) {
  const playlist = parseMediaPlaylist(await readFile(path, "utf8"));
  const segments = [];
  for (const segment of playlist.segments) {
    if (/^[a-z]+:\/\//i.test(segment.uri)) {
      throw usageError(
        "HLS_REMOTE_SEGMENT",
        `${relative(root, path)} names a remote segment ${segment.uri}`,
        "package the media locally (segments beside the playlist)",
      );
    }
    const file = resolve(dirname(path), segment.uri.split("?")[0] ?? "");
    if (!file.startsWith(root + sep)) {
      throw usageError(
        "HLS_SEGMENT_OUTSIDE",
        `${relative(root, path)} points outside the media folder: ${segment.uri}`,
        "keep every segment inside the HLS folder",
      );
    }
    let bytes = segment.byteLength;
    if (bytes === undefined) {
      try {
        bytes = (await stat(file)).size;
      } catch (error) {
        throw usageError(
          "HLS_SEGMENT_MISSING",
          `segment ${relative(root, file)} listed in ${relative(root, path)} does not exist`,
          "re-package the media (the folder is incomplete)",
          error,
        );
      }
    }
    segments.push({ durationS: segment.durationS, bytes });
  }
  const { peakBps, averageBps } = segmentBitrates(segments, playlist.targetDurationS);
  return { peakKbps: peakBps / 1000, averageKbps: averageBps / 1000 };
}

/**
 * Measures every rendition of the HLS media under `dir`: each master playlist's variants (grouped by
 * rendition name across videos, keeping the highest peak, since a learner watches one video at a time)
 * and any media playlist no master refers to. Sorted from the highest peak down.
 */
export async function measureHlsFolder(dir: string): Promise<MeasuredRendition[]> {
  const root = resolve(dir);
  let playlists: string[];
  try {
    if (!(await stat(root)).isDirectory()) throw new Error("not a directory");
    playlists = await findPlaylists(root);
  } catch (error) {
    throw usageError(
      "HLS_FOLDER_UNREADABLE",
      `cannot read the HLS folder ${root}: ${(error as Error).message}`,
      "pass the folder the media was packaged into",
      error,
    );
  }
  if (playlists.length === 0) {
    throw usageError(
      "HLS_NO_PLAYLISTS",
      `no .m3u8 playlist under ${root}`,
      "package the course media as HLS first (`sandbox course install` does)",
    );
  }
  const byName = new Map<string, MeasuredRendition>();
  const covered = new Set<string>();
  const add = (entry: MeasuredRendition) => {
    const known = byName.get(entry.rendition);
    if (!known) return void byName.set(entry.rendition, entry);
    byName.set(entry.rendition, {
      ...known,
      nominalKbps: Math.max(known.nominalKbps ?? 0, entry.nominalKbps ?? 0) || null,
      peakKbps: Math.max(known.peakKbps, entry.peakKbps),
      averageKbps: Math.max(known.averageKbps, entry.averageKbps),
      playlists: [...known.playlists, ...entry.playlists],
    });
  };
  const texts = new Map<string, string>();
  for (const path of playlists) texts.set(path, await readFile(path, "utf8"));
  for (const [path, text] of texts) {
    if (!isHlsPlaylist(text))
      throw usageError(
        "HLS_NOT_A_PLAYLIST",
        `${relative(root, path)} does not start with #EXTM3U`,
        "remove the stray file or re-package the media",
      );
    if (!isMasterPlaylist(text)) continue;
    for (const variant of parseMasterPlaylist(text)) {
      const mediaPath = resolve(dirname(path), variant.uri);
      covered.add(mediaPath);
      if (!texts.has(mediaPath)) {
        throw usageError(
          "HLS_VARIANT_MISSING",
          `${relative(root, path)} lists ${variant.uri}, which is not in the folder`,
          "re-package the media (the folder is incomplete)",
        );
      }
      const measured = await measureMediaPlaylist(mediaPath, root);
      add({
        rendition: renditionName(variant),
        nominalKbps: variant.bandwidthBps / 1000,
        peakKbps: measured.peakKbps,
        averageKbps: measured.averageKbps,
        height: variant.height ?? null,
        playlists: [relative(root, mediaPath)],
      });
    }
  }
  for (const [path, text] of texts) {
    if (isMasterPlaylist(text) || covered.has(path)) continue;
    const measured = await measureMediaPlaylist(path, root);
    add({
      rendition: renditionName({ uri: relative(root, path) }),
      nominalKbps: null,
      peakKbps: measured.peakKbps,
      averageKbps: measured.averageKbps,
      height: null,
      playlists: [relative(root, path)],
    });
  }
  return [...byName.values()].sort((a, b) => b.peakKbps - a.peakKbps);
}

/** A measured rendition's segment duration (its first playlist's EXT-X-TARGETDURATION), seconds. */
export async function targetDurationOf(
  dir: string,
  rendition: MeasuredRendition,
): Promise<number | undefined> {
  const first = rendition.playlists[0];
  if (!first) return undefined;
  return parseMediaPlaylist(await readFile(resolve(dir, first), "utf8")).targetDurationS;
}
