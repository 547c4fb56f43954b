import { isHlsPlaylist, parseMasterPlaylist } from "../../../loadtests/lib/hls/index.ts";
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
  const text = new TextDecoder("utf-8").decode(bytes);
  if (!isHlsPlaylist(text))
    return {
      findings: [
        finding("BAD_PLAYLIST", `${path} does not start with #EXTM3U; it is not an HLS playlist`, { path }),
      ],
      refs: [],
    };
  const refs: FileRef[] = [];
  text.split(/\r\n|\r|\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line !== "" && !line.startsWith("#"))
      refs.push({ ref: line, baseDir: dirOf(path), from: path, line: index + 1, launch: false });
  });
  const levels: PlaylistLevel[] = parseMasterPlaylist(text).map((variant) => ({
    bandwidthBps: variant.bandwidthBps,
    ...(variant.width && variant.height ? { width: variant.width, height: variant.height } : {}),
    ...(variant.codecs ? { codecs: variant.codecs } : {}),
    uri: variant.uri,
  }));
  return { playlist: { path, protocol: "hls", levels: sortLevels(levels) }, findings: [], refs };
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
