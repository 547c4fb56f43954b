import { finding } from "./findings.ts";
import { dirOf } from "./paths.ts";
import type { Finding, Playlist, PlaylistLevel } from "./profile.ts";
import type { FileRef } from "./references.ts";
import { attr, descendants, parseXml } from "./xml.ts";

export interface ParsedPlaylist {
  playlist?: Playlist;
  findings: Finding[];
  refs: FileRef[];
}

/** Reads an HLS playlist (.m3u8): a master playlist's variants become levels, highest first. */
export function parseHls(bytes: Uint8Array, path: string): ParsedPlaylist {
  const text = new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[0]?.trim() !== "#EXTM3U")
    return {
      findings: [
        finding("BAD_PLAYLIST", `${path} does not start with #EXTM3U; it is not an HLS playlist`, { path }),
      ],
      refs: [],
    };
  const levels: PlaylistLevel[] = [];
  const refs: FileRef[] = [];
  let pending: PlaylistLevel | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith("#EXT-X-STREAM-INF:")) {
      pending = levelFromAttributes(parseAttributeList(line.slice("#EXT-X-STREAM-INF:".length)));
      return;
    }
    if (line === "" || line.startsWith("#")) return;
    refs.push({ ref: line, baseDir: dirOf(path), from: path, line: index + 1, launch: false });
    if (pending) {
      levels.push({ ...pending, uri: line });
      pending = undefined;
    }
  });
  return { playlist: { path, protocol: "hls", levels: sortLevels(levels) }, findings: [], refs };
}

/** Splits `KEY=value,KEY="quoted, value"` into a map with upper-case keys. */
export function parseAttributeList(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/gi;
  for (let match = pattern.exec(text); match; match = pattern.exec(text))
    attributes.set((match[1] ?? "").toUpperCase(), (match[2] ?? "").replace(/^"|"$/g, ""));
  return attributes;
}

function levelFromAttributes(attributes: Map<string, string>): PlaylistLevel {
  const level: PlaylistLevel = { bandwidthBps: positiveInt(attributes.get("BANDWIDTH")) ?? 0 };
  const resolution = /^(\d+)x(\d+)$/i.exec(attributes.get("RESOLUTION") ?? "");
  const width = positiveInt(resolution?.[1]);
  const height = positiveInt(resolution?.[2]);
  if (width && height) Object.assign(level, { width, height });
  const codecs = attributes.get("CODECS");
  if (codecs) level.codecs = codecs;
  return level;
}

/** Reads a DASH manifest (.mpd): every <Representation> with a bandwidth is a level. */
export function parseDash(bytes: Uint8Array, path: string): ParsedPlaylist {
  const parsed = parseXml(bytes, path);
  const root = parsed.document?.documentElement;
  if (!root) return { findings: parsed.findings, refs: [] };
  if (root.localName !== "MPD")
    return {
      findings: [
        ...parsed.findings,
        finding(
          "BAD_PLAYLIST",
          `${path} has root element <${root.tagName}>; a DASH manifest starts with <MPD>`,
          {
            path,
          },
        ),
      ],
      refs: [],
    };
  const levels: PlaylistLevel[] = [];
  for (const representation of descendants(root, "Representation")) {
    const parent = representation.parentNode as typeof representation;
    const pick = (name: string) => attr(representation, name) ?? attr(parent, name);
    const bandwidth = positiveInt(attr(representation, "bandwidth"));
    if (bandwidth === undefined) continue;
    const level: PlaylistLevel = { bandwidthBps: bandwidth };
    const width = positiveInt(pick("width"));
    const height = positiveInt(pick("height"));
    if (width && height) Object.assign(level, { width, height });
    const codecs = pick("codecs");
    if (codecs) level.codecs = codecs;
    levels.push(level);
  }
  return {
    playlist: { path, protocol: "dash", levels: sortLevels(levels) },
    findings: parsed.findings,
    refs: [],
  };
}

const sortLevels = (levels: PlaylistLevel[]) => levels.sort((a, b) => b.bandwidthBps - a.bandwidthBps);

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  const number = Number(value);
  return number > 0 ? number : undefined;
}
