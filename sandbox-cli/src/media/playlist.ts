/** The few HLS (RFC 8216) playlist facts the packager writes and measures; pure text in, data out. */

export interface MediaSegment {
  uri: string;
  durationS: number;
}

export interface MediaPlaylist {
  targetDurationS: number;
  segments: MediaSegment[];
  endList: boolean;
}

export interface Variant {
  uri: string;
  bandwidthBps: number;
  averageBandwidthBps?: number;
  width?: number;
  height?: number;
  codecs?: string;
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

function requireHeader(all: string[], what: string): void {
  if (all[0] !== "#EXTM3U") throw new Error(`${what} does not start with #EXTM3U`);
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const all = lines(text);
  requireHeader(all, "media playlist");
  let targetDurationS = Number.NaN;
  let pendingDuration: number | undefined;
  const segments: MediaSegment[] = [];
  let endList = false;
  for (const line of all) {
    if (line.startsWith("#EXT-X-TARGETDURATION:")) targetDurationS = Number(line.slice(22));
    else if (line.startsWith("#EXTINF:")) pendingDuration = Number.parseFloat(line.slice(8));
    else if (line === "#EXT-X-ENDLIST") endList = true;
    else if (!line.startsWith("#")) {
      if (pendingDuration === undefined || Number.isNaN(pendingDuration))
        throw new Error(`segment ${line} has no #EXTINF duration`);
      segments.push({ uri: line, durationS: pendingDuration });
      pendingDuration = undefined;
    }
  }
  if (Number.isNaN(targetDurationS)) throw new Error("media playlist has no #EXT-X-TARGETDURATION");
  return { targetDurationS, segments, endList };
}

/** Splits an attribute list, honouring quoted values that contain commas (CODECS="avc1...,mp4a..."). */
export function parseAttributes(list: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) {
    const [, key, raw] = match;
    if (key && raw !== undefined) attributes[key] = raw.replace(/^"|"$/g, "");
  }
  return attributes;
}

export function parseMasterPlaylist(text: string): Variant[] {
  const all = lines(text);
  requireHeader(all, "master playlist");
  const variants: Variant[] = [];
  let pending: Record<string, string> | undefined;
  for (const line of all) {
    if (line.startsWith("#EXT-X-STREAM-INF:")) pending = parseAttributes(line.slice(18));
    else if (!line.startsWith("#") && pending) {
      const [width, height] = (pending.RESOLUTION ?? "").split("x").map(Number);
      variants.push({
        uri: line,
        bandwidthBps: Number(pending.BANDWIDTH),
        ...(pending["AVERAGE-BANDWIDTH"]
          ? { averageBandwidthBps: Number(pending["AVERAGE-BANDWIDTH"]) }
          : {}),
        ...(width && height ? { width, height } : {}),
        ...(pending.CODECS ? { codecs: pending.CODECS } : {}),
      });
      pending = undefined;
    }
  }
  return variants;
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
