import { readFile, stat } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { usageError } from "../errors.ts";
import { parseMasterPlaylist, parseMediaPlaylist, type Variant } from "./playlist.ts";

export interface SizedSegment {
  uri: string;
  durationS: number;
  bytes: number;
}

export interface RenditionMeasurement {
  /** The rendition's folder (the first path part of its playlist URI). */
  name: string;
  playlist: string;
  width?: number;
  height?: number;
  codecs?: string;
  /** BANDWIDTH as the master playlist declares it. */
  declaredBandwidthBps: number;
  targetDurationS: number;
  segmentCount: number;
  durationS: number;
  bytes: number;
  maxSegmentDurationS: number;
  /** All segment bytes * 8 / total duration. */
  nominalBitrateBps: number;
  /** RFC 8216 peak segment bit rate: the highest rate over contiguous segments lasting 0.5-1.5 target durations. */
  peakBitrateBps: number;
}

export interface HlsMeasurement {
  masterPlaylist: string;
  renditions: RenditionMeasurement[];
}

/** Nominal and peak bit rate of one media playlist's segments (bit/s, rounded). */
export function segmentBitrates(
  segments: readonly SizedSegment[],
  targetDurationS: number,
): { nominalBitrateBps: number; peakBitrateBps: number } {
  const totalBytes = segments.reduce((sum, s) => sum + s.bytes, 0);
  const totalDuration = segments.reduce((sum, s) => sum + s.durationS, 0);
  const nominal = totalDuration > 0 ? (totalBytes * 8) / totalDuration : 0;
  let peak = 0;
  for (let start = 0; start < segments.length; start++) {
    let bytes = 0;
    let duration = 0;
    for (let end = start; end < segments.length; end++) {
      const segment = segments[end] as SizedSegment;
      bytes += segment.bytes;
      duration += segment.durationS;
      if (duration > 1.5 * targetDurationS) break;
      if (duration >= 0.5 * targetDurationS) peak = Math.max(peak, (bytes * 8) / duration);
    }
  }
  // A playlist too short for any qualifying window (one 2 s segment): its only rate is the nominal one.
  if (peak === 0) peak = nominal;
  return { nominalBitrateBps: Math.round(nominal), peakBitrateBps: Math.round(peak) };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw usageError(
      "HLS_OUTPUT_UNREADABLE",
      `cannot read the ${what} ${path}`,
      "point at a folder written by the HLS packager (it holds the master playlist)",
      error,
    );
  }
}

async function measureVariant(masterDir: string, variant: Variant): Promise<RenditionMeasurement> {
  const playlistPath = join(masterDir, variant.uri);
  const text = await readText(playlistPath, "media playlist");
  let playlist: ReturnType<typeof parseMediaPlaylist>;
  try {
    playlist = parseMediaPlaylist(text);
  } catch (error) {
    throw usageError(
      "HLS_PLAYLIST_INVALID",
      `${playlistPath}: ${(error as Error).message}`,
      "re-run the packaging; the playlist was cut short or written by something else",
      error,
    );
  }
  const segments: SizedSegment[] = [];
  for (const segment of playlist.segments) {
    const path = join(dirname(playlistPath), segment.uri);
    const info = await stat(path).catch((error: unknown) => {
      throw usageError(
        "HLS_SEGMENT_MISSING",
        `segment ${path} listed in ${playlistPath} does not exist`,
        "re-run the packaging into an empty folder",
        error,
      );
    });
    segments.push({ ...segment, bytes: info.size });
  }
  return {
    name: variant.uri.split("/")[0] ?? variant.uri,
    playlist: posix.normalize(variant.uri),
    ...(variant.width ? { width: variant.width } : {}),
    ...(variant.height ? { height: variant.height } : {}),
    ...(variant.codecs ? { codecs: variant.codecs } : {}),
    declaredBandwidthBps: variant.bandwidthBps,
    targetDurationS: playlist.targetDurationS,
    segmentCount: segments.length,
    durationS: Number(segments.reduce((sum, s) => sum + s.durationS, 0).toFixed(3)),
    bytes: segments.reduce((sum, s) => sum + s.bytes, 0),
    maxSegmentDurationS: Math.max(0, ...segments.map((s) => s.durationS)),
    ...segmentBitrates(segments, playlist.targetDurationS),
  };
}

/** Reads a packaged HLS folder: the master playlist, each media playlist, and each segment's size. */
export async function measureHls(
  hlsDir: string,
  masterPlaylistName = "master.m3u8",
): Promise<HlsMeasurement> {
  const masterPath = join(hlsDir, masterPlaylistName);
  const variants = parseMasterPlaylist(await readText(masterPath, "master playlist"));
  if (variants.length === 0)
    throw usageError(
      "HLS_PLAYLIST_INVALID",
      `${masterPath} lists no #EXT-X-STREAM-INF variant`,
      "re-run the packaging; a master playlist needs at least one rendition",
    );
  const renditions: RenditionMeasurement[] = [];
  for (const variant of variants) renditions.push(await measureVariant(hlsDir, variant));
  return { masterPlaylist: masterPlaylistName, renditions };
}
