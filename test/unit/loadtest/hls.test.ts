import { describe, expect, it } from "vitest";
import {
  nearestVariant,
  parseMaster,
  parseMedia,
  pickVariant,
  segmentAt,
} from "../../../loadtests/lib/hls/index.ts";
import { PlaybackBuffer } from "../../../loadtests/scenarios/hls-viewer/playback.ts";

const master = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=345400,RESOLUTION=320x180,CODECS="avc1.42c00d,mp4a.40.2"
v1/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2950400,RESOLUTION=1280x720
v0/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=950400,RESOLUTION=640x360
v2/index.m3u8
`;
const media = `#EXTM3U
#EXT-X-TARGETDURATION:6
#EXTINF:6.000,
seg000.ts
#EXTINF:6.000,
seg001.ts
#EXTINF:3.5,
seg002.ts
#EXT-X-ENDLIST
`;

describe("HLS playlists", () => {
  it("lists variants highest first and picks the top one that fits 80% of the link", () => {
    const variants = parseMaster(master);
    expect(variants.map((v) => v.uri)).toEqual(["v0/index.m3u8", "v2/index.m3u8", "v1/index.m3u8"]);
    expect(pickVariant(variants, undefined)).toBe(0);
    expect(pickVariant(variants, 4000)).toBe(0);
    expect(pickVariant(variants, 2000)).toBe(1);
    expect(pickVariant(variants, 100)).toBe(2);
  });

  it("pins the variant whose BANDWIDTH is nearest, whatever the link", () => {
    const variants = parseMaster(master);
    expect(nearestVariant(variants, 950_400)).toBe(1);
    expect(nearestVariant(variants, 3_000_000)).toBe(0);
    expect(nearestVariant(variants, 1)).toBe(2);
    // halfway between two variants: the lower one (a probe never asks for more than it named)
    expect(nearestVariant(variants, (950_400 + 345_400) / 2)).toBe(2);
  });

  it("reads segments and their durations, and finds the segment at a media time", () => {
    const playlist = parseMedia(media);
    expect(playlist.targetDurationS).toBe(6);
    expect(playlist.ended).toBe(true);
    expect(playlist.segments).toEqual([
      { uri: "seg000.ts", durationS: 6 },
      { uri: "seg001.ts", durationS: 6 },
      { uri: "seg002.ts", durationS: 3.5 },
    ]);
    expect(segmentAt(playlist, 0)).toBe(0);
    expect(segmentAt(playlist, 6)).toBe(1);
    expect(segmentAt(playlist, 15.5)).toBe(3);
  });

  it("refuses text that is not a playlist, and a master without variants", () => {
    expect(() => parseMedia("<html>")).toThrow(/not an HLS playlist/);
    expect(() => parseMaster("#EXTM3U\n#EXT-X-STREAM-INF:RESOLUTION=1x1\n")).toThrow(
      /no variant with a BANDWIDTH/,
    );
    expect(() => parseMedia("#EXTM3U\n#EXT-X-ENDLIST\n")).toThrow(/no segment/);
  });
});

describe("playback buffer", () => {
  it("counts no stall while segments arrive ahead of the playhead", () => {
    const p = new PlaybackBuffer(0);
    p.append(0.5, 4);
    p.start(0.5);
    p.append(2, 4);
    expect(p.advance(6)).toBe(false);
    expect(p.bufferS).toBeCloseTo(2.5);
    p.end(8.5, true);
    expect(p.playedS).toBeCloseTo(8);
    expect(p.rebufferEvents).toBe(0);
    expect(p.rebufferRatio).toBe(0);
  });

  it("counts a rebuffer event and the stalled time when a segment comes late", () => {
    const p = new PlaybackBuffer(0);
    p.append(1, 2);
    p.start(1);
    expect(p.advance(4)).toBe(true); // buffer ran out at t=3
    p.append(5, 2); // stalled from 3 to 5
    p.end(7, true);
    expect(p.rebufferEvents).toBe(1);
    expect(p.stalledS).toBeCloseTo(2);
    expect(p.playedS).toBeCloseTo(4);
    expect(p.rebufferRatio).toBeCloseTo(2 / 6);
  });
});
