import { readFile, stat } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import {
  parseMasterPlaylist,
  parseMediaPlaylist,
  segmentBitrates,
  type Variant,
} from "../../../loadtests/lib/hls/index.ts";
import { usageError } from "../errors.ts";

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

/** Nominal and peak bit rate of one media playlist's segments (bit/s, rounded): the one definition in loadtests/lib/hls. */
export function roundedBitrates(
  segments: readonly SizedSegment[],
  targetDurationS: number,
): { nominalBitrateBps: number; peakBitrateBps: number } {
  const { averageBps, peakBps } = segmentBitrates(segments, targetDurationS);
  return { nominalBitrateBps: Math.round(averageBps), peakBitrateBps: Math.round(peakBps) };
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
    ...roundedBitrates(segments, playlist.targetDurationS),
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
