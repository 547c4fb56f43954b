/** Pure HLS playlist parsing: just what the capacity model needs (variants, segment durations, byte ranges). */

export interface HlsVariant {
  readonly uri: string;
  /** BANDWIDTH, bit/s: the packager's declared peak. */
  readonly bandwidth: number;
  readonly averageBandwidth?: number;
  readonly resolution?: { readonly width: number; readonly height: number };
  readonly name?: string;
}

export interface HlsSegment {
  readonly uri: string;
  readonly durationS: number;
  /** set when the segment is a byte range of a larger file (EXT-X-BYTERANGE). */
  readonly byteLength?: number;
}

export interface HlsMediaPlaylist {
  readonly targetDurationS: number | undefined;
  readonly segments: HlsSegment[];
}

/** Attribute lists like `BANDWIDTH=1280000,CODECS="avc1.4d401f,mp4a.40.2"` (commas inside quotes kept). */
export function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    const value = match[2] ?? "";
    attributes[match[1] ?? ""] = value.startsWith('"') ? value.slice(1, -1) : value;
  }
  return attributes;
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

export function isHlsPlaylist(text: string): boolean {
  return lines(text)[0] === "#EXTM3U";
}

export const isMasterPlaylist = (text: string) => text.includes("#EXT-X-STREAM-INF");

export function parseMasterPlaylist(text: string): HlsVariant[] {
  const variants: HlsVariant[] = [];
  let pending: Record<string, string> | undefined;
  for (const line of lines(text)) {
    if (line.startsWith("#EXT-X-STREAM-INF:")) {
      pending = parseAttributes(line.slice("#EXT-X-STREAM-INF:".length));
    } else if (!line.startsWith("#") && pending) {
      const resolution = /^(\d+)x(\d+)$/.exec(pending.RESOLUTION ?? "");
      variants.push({
        uri: line,
        bandwidth: Number(pending.BANDWIDTH ?? 0),
        ...(pending["AVERAGE-BANDWIDTH"] ? { averageBandwidth: Number(pending["AVERAGE-BANDWIDTH"]) } : {}),
        ...(resolution
          ? { resolution: { width: Number(resolution[1]), height: Number(resolution[2]) } }
          : {}),
        ...(pending.NAME ? { name: pending.NAME } : {}),
      });
      pending = undefined;
    }
  }
  return variants;
}

export function parseMediaPlaylist(text: string): HlsMediaPlaylist {
  const segments: HlsSegment[] = [];
  let targetDurationS: number | undefined;
  let duration: number | undefined;
  let byteLength: number | undefined;
  for (const line of lines(text)) {
    if (line.startsWith("#EXT-X-TARGETDURATION:")) targetDurationS = Number(line.split(":")[1]);
    else if (line.startsWith("#EXTINF:")) duration = Number.parseFloat(line.slice("#EXTINF:".length));
    else if (line.startsWith("#EXT-X-BYTERANGE:"))
      byteLength = Number.parseInt(line.slice("#EXT-X-BYTERANGE:".length), 10);
    else if (!line.startsWith("#") && duration !== undefined) {
      segments.push({ uri: line, durationS: duration, ...(byteLength === undefined ? {} : { byteLength }) });
      duration = undefined;
      byteLength = undefined;
    }
  }
  return { targetDurationS, segments };
}

/** A rendition's name: its height ("720p"), else the NAME attribute, else its playlist's folder or file. */
export function renditionName(variant: Pick<HlsVariant, "uri" | "resolution" | "name">): string {
  if (variant.resolution) return `${variant.resolution.height}p`;
  if (variant.name) return variant.name;
  const parts = (variant.uri.split("?")[0] ?? "").split("/");
  const folder = parts.at(-2);
  return folder ?? (parts.at(-1) ?? "").replace(/\.m3u8$/, "");
}

export interface SegmentBitrates {
  /** highest bytes*8/duration over the segments, kbit/s. */
  readonly peakKbps: number;
  /** total bytes*8 over total duration, kbit/s. */
  readonly averageKbps: number;
  readonly segmentsCounted: number;
}

/**
 * Peak and average bitrate of a rendition from its segments' sizes. A final segment shorter than half
 * the target duration is left out of the peak (not the average): a short tail holding one keyframe
 * would otherwise look like a bitrate the player never sustains.
 */
export function segmentBitrates(
  segments: readonly { durationS: number; bytes: number }[],
  targetDurationS?: number,
): SegmentBitrates {
  const usable = segments.filter((segment) => segment.durationS > 0);
  if (usable.length === 0) return { peakKbps: 0, averageKbps: 0, segmentsCounted: 0 };
  const target = targetDurationS ?? Math.max(...usable.map((segment) => segment.durationS));
  const last = usable.at(-1);
  const forPeak = usable.length > 1 && last && last.durationS < target / 2 ? usable.slice(0, -1) : usable;
  const peak = Math.max(...forPeak.map((segment) => (segment.bytes * 8) / segment.durationS));
  const bytes = usable.reduce((sum, segment) => sum + segment.bytes, 0);
  const seconds = usable.reduce((sum, segment) => sum + segment.durationS, 0);
  return {
    peakKbps: peak / 1000,
    averageKbps: (bytes * 8) / seconds / 1000,
    segmentsCounted: forPeak.length,
  };
}
