/**
 * The project's one HLS (RFC 8216) playlist parser: master variants, media segments, attribute lists.
 * Pure text in, data out; imported by the CLI (course intake, packaging, capacity) and bundled into the
 * load runner (the viewer), which is why it lives here: loadtests/ imports nothing from the CLI.
 */

export interface Variant {
  readonly uri: string;
  /** BANDWIDTH, bit/s: the declared peak. */
  readonly bandwidthBps: number;
  readonly averageBandwidthBps?: number;
  readonly width?: number;
  readonly height?: number;
  readonly codecs?: string;
  readonly name?: string;
}

export interface MediaSegment {
  readonly uri: string;
  readonly durationS: number;
  /** set when the segment is a byte range of a larger file (EXT-X-BYTERANGE). */
  readonly byteLength?: number;
}

export interface MediaPlaylist {
  /** EXT-X-TARGETDURATION, else the longest segment. */
  readonly targetDurationS: number;
  readonly segments: readonly MediaSegment[];
  readonly ended: boolean;
}

/** Splits `KEY=value,KEY="quoted, value"` (commas inside quotes kept). */
export function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of text.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/gi)) {
    const [, key, raw] = match;
    if (key && raw !== undefined) out[key.toUpperCase()] = raw.startsWith('"') ? raw.slice(1, -1) : raw;
  }
  return out;
}

const allLines = (text: string) =>
  text
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim());

export const isHlsPlaylist = (text: string) => allLines(text)[0] === "#EXTM3U";

export const isMasterPlaylist = (text: string) => text.includes("#EXT-X-STREAM-INF");

function lines(text: string): string[] {
  if (!isHlsPlaylist(text)) throw new Error("not an HLS playlist: the first line is not #EXTM3U");
  return allLines(text).filter((line) => line.length > 0);
}

const positive = (value: string | undefined) => {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
};

/** Decimal integers only (RFC 8216 "decimal-integer"); anything else counts as absent. */
const positiveInt = (value: string | undefined) =>
  value !== undefined && /^\d{1,15}$/.test(value.trim()) ? positive(value) : undefined;

function variantOf(attrs: Record<string, string>, uri: string): Variant {
  const resolution = /^(\d+)x(\d+)$/i.exec(attrs.RESOLUTION ?? "");
  const width = positiveInt(resolution?.[1]);
  const height = positiveInt(resolution?.[2]);
  const average = positiveInt(attrs["AVERAGE-BANDWIDTH"]);
  return {
    uri,
    bandwidthBps: positiveInt(attrs.BANDWIDTH) ?? 0,
    ...(average !== undefined ? { averageBandwidthBps: average } : {}),
    ...(width && height ? { width, height } : {}),
    ...(attrs.CODECS ? { codecs: attrs.CODECS } : {}),
    ...(attrs.NAME ? { name: attrs.NAME } : {}),
  };
}

/** A master playlist's variants, in the order the playlist lists them. */
export function parseMasterPlaylist(text: string): Variant[] {
  const variants: Variant[] = [];
  let pending: Record<string, string> | undefined;
  for (const line of lines(text)) {
    if (line.startsWith("#EXT-X-STREAM-INF:")) pending = parseAttributes(line.slice(18));
    else if (!line.startsWith("#") && pending) {
      variants.push(variantOf(pending, line));
      pending = undefined;
    }
  }
  return variants;
}

/** Variants with a BANDWIDTH, highest first (a player's view); throws when there is none. */
export function parseMaster(text: string): Variant[] {
  const variants = parseMasterPlaylist(text).filter((v) => v.bandwidthBps > 0);
  if (variants.length === 0) throw new Error("master playlist lists no variant with a BANDWIDTH and a URI");
  return variants.sort((a, b) => b.bandwidthBps - a.bandwidthBps);
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const segments: MediaSegment[] = [];
  let targetDurationS: number | undefined;
  let pending: number | undefined;
  let byteLength: number | undefined;
  let ended = false;
  for (const line of lines(text)) {
    if (line.startsWith("#EXT-X-TARGETDURATION:")) targetDurationS = positive(line.slice(22));
    else if (line.startsWith("#EXTINF:")) pending = Number.parseFloat(line.slice(8));
    else if (line.startsWith("#EXT-X-BYTERANGE:")) byteLength = Number.parseInt(line.slice(17), 10);
    else if (line === "#EXT-X-ENDLIST") ended = true;
    else if (!line.startsWith("#")) {
      if (pending === undefined || Number.isNaN(pending))
        throw new Error(`segment ${line} has no #EXTINF duration`);
      segments.push({ uri: line, durationS: pending, ...(byteLength === undefined ? {} : { byteLength }) });
      pending = undefined;
      byteLength = undefined;
    }
  }
  return {
    targetDurationS: targetDurationS ?? Math.max(0, ...segments.map((s) => s.durationS)),
    segments,
    ended,
  };
}

/** A player's media playlist: like parseMediaPlaylist, and it must list a segment. */
export function parseMedia(text: string): MediaPlaylist {
  const playlist = parseMediaPlaylist(text);
  if (playlist.segments.length === 0) throw new Error("media playlist lists no segment");
  return playlist;
}

export function renderMasterPlaylist(variants: readonly Variant[]): string {
  const out = ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS"];
  for (const v of variants) {
    const attributes = [
      `BANDWIDTH=${v.bandwidthBps}`,
      ...(v.averageBandwidthBps !== undefined ? [`AVERAGE-BANDWIDTH=${v.averageBandwidthBps}`] : []),
      ...(v.width && v.height ? [`RESOLUTION=${v.width}x${v.height}`] : []),
      ...(v.codecs ? [`CODECS="${v.codecs}"`] : []),
    ];
    out.push(`#EXT-X-STREAM-INF:${attributes.join(",")}`, v.uri);
  }
  return `${out.join("\n")}\n`;
}

/** A rendition's name: its height ("720p"), else the NAME attribute, else its playlist's folder or file. */
export function renditionName(variant: Pick<Variant, "uri" | "height" | "name">): string {
  if (variant.height) return `${variant.height}p`;
  if (variant.name) return variant.name;
  const parts = (variant.uri.split("?")[0] ?? "").split("/");
  const folder = parts.at(-2);
  return folder ?? (parts.at(-1) ?? "").replace(/\.m3u8$/, "");
}
