/** Just enough of RFC 8216 for a VOD player: master variants and media segments. */

export interface Variant {
  readonly bandwidthBps: number;
  readonly resolution?: string;
  readonly uri: string;
}

export interface MediaSegment {
  readonly uri: string;
  readonly durationS: number;
}

export interface MediaPlaylist {
  readonly targetDurationS: number;
  readonly segments: readonly MediaSegment[];
  readonly ended: boolean;
}

const ATTRIBUTE = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of text.matchAll(ATTRIBUTE)) {
    const [, key, raw] = match;
    if (key && raw !== undefined) out[key] = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  }
  return out;
}

function lines(text: string): string[] {
  const all = text.split(/\r?\n/).map((line) => line.trim());
  if (all[0] !== "#EXTM3U") throw new Error("not an HLS playlist: the first line is not #EXTM3U");
  return all.filter((line) => line.length > 0);
}

export const isMasterPlaylist = (text: string) => text.includes("#EXT-X-STREAM-INF");

/** Variants, highest bandwidth first. */
export function parseMaster(text: string): Variant[] {
  const all = lines(text);
  const variants: Variant[] = [];
  for (let i = 0; i < all.length; i++) {
    const line = all[i] as string;
    if (!line.startsWith("#EXT-X-STREAM-INF:")) continue;
    const attrs = attributes(line.slice("#EXT-X-STREAM-INF:".length));
    const uri = all.slice(i + 1).find((next) => !next.startsWith("#"));
    const bandwidth = Number(attrs.BANDWIDTH);
    if (!uri || !Number.isFinite(bandwidth)) continue;
    variants.push({
      bandwidthBps: bandwidth,
      uri,
      ...(attrs.RESOLUTION ? { resolution: attrs.RESOLUTION } : {}),
    });
  }
  if (variants.length === 0) throw new Error("master playlist lists no variant with a BANDWIDTH and a URI");
  return variants.sort((a, b) => b.bandwidthBps - a.bandwidthBps);
}

export function parseMedia(text: string): MediaPlaylist {
  const all = lines(text);
  const segments: MediaSegment[] = [];
  let targetDurationS = 0;
  let pending: number | undefined;
  let ended = false;
  for (const line of all) {
    if (line.startsWith("#EXT-X-TARGETDURATION:")) targetDurationS = Number(line.split(":")[1]);
    else if (line.startsWith("#EXTINF:")) pending = Number.parseFloat(line.slice("#EXTINF:".length));
    else if (line === "#EXT-X-ENDLIST") ended = true;
    else if (!line.startsWith("#") && pending !== undefined) {
      segments.push({ uri: line, durationS: pending });
      pending = undefined;
    }
  }
  if (segments.length === 0) throw new Error("media playlist lists no segment");
  return {
    targetDurationS: targetDurationS || Math.max(...segments.map((s) => s.durationS)),
    segments,
    ended,
  };
}

/**
 * The rendition a player on `bandwidthKbps` starts with: the highest whose BANDWIDTH fits in `safety`
 * of the link, else the lowest. Without a bandwidth (unshaped LAN) the highest.
 */
export function pickVariant(
  variants: readonly Variant[],
  bandwidthKbps: number | undefined,
  safety = 0.8,
): number {
  if (bandwidthKbps === undefined) return 0;
  const budget = bandwidthKbps * 1000 * safety;
  const index = variants.findIndex((variant) => variant.bandwidthBps <= budget);
  return index === -1 ? variants.length - 1 : index;
}

/** The variant whose BANDWIDTH is nearest `bandwidthBps` (a pinned rendition; ties go to the lower). */
export function nearestVariant(variants: readonly Variant[], bandwidthBps: number): number {
  let best = 0;
  for (let i = 1; i < variants.length; i++) {
    const gap = Math.abs((variants[i] as Variant).bandwidthBps - bandwidthBps);
    if (gap <= Math.abs((variants[best] as Variant).bandwidthBps - bandwidthBps)) best = i;
  }
  return best;
}

/** Index of the segment that covers media time `positionS` (to continue after a rendition switch). */
export function segmentAt(playlist: MediaPlaylist, positionS: number): number {
  let start = 0;
  for (let i = 0; i < playlist.segments.length; i++) {
    const segment = playlist.segments[i] as MediaSegment;
    if (positionS < start + segment.durationS - 1e-6) return i;
    start += segment.durationS;
  }
  return playlist.segments.length;
}
