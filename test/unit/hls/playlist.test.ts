import { describe, expect, it } from "vitest";
import {
  parseAttributes,
  parseMasterPlaylist,
  parseMediaPlaylist,
  renderMasterPlaylist,
} from "../../../loadtests/lib/hls/index.ts";

const media = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXTINF:6.000000,
segment_000.ts
#EXTINF:4.004000,
segment_001.ts
#EXT-X-ENDLIST
`;

const master = `#EXTM3U\r
#EXT-X-VERSION:6\r
#EXT-X-STREAM-INF:BANDWIDTH=765600,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"\r
360p/index.m3u8\r
\r
#EXT-X-STREAM-INF:BANDWIDTH=2745600,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720\r
720p/index.m3u8\r
`;

describe("media playlists", () => {
  it("reads the target duration, each segment's duration and the end marker", () => {
    expect(parseMediaPlaylist(media)).toEqual({
      targetDurationS: 6,
      segments: [
        { uri: "segment_000.ts", durationS: 6 },
        { uri: "segment_001.ts", durationS: 4.004 },
      ],
      ended: true,
    });
  });

  it.each([
    ["not a playlist", /the first line is not #EXTM3U/],
    ["#EXTM3U\n#EXT-X-TARGETDURATION:6\nseg.ts\n", /seg\.ts has no #EXTINF/],
  ])("rejects a broken playlist (%#)", (text, message) => {
    expect(() => parseMediaPlaylist(text)).toThrow(message);
  });
});

it("takes the longest segment as the target duration when the playlist does not say", () => {
  expect(parseMediaPlaylist("#EXTM3U\n#EXTINF:6,\na.ts\n#EXTINF:4,\nb.ts\n").targetDurationS).toBe(6);
});

describe("master playlists", () => {
  it("reads every variant, keeping quoted attribute values whole", () => {
    expect(parseMasterPlaylist(master)).toEqual([
      {
        uri: "360p/index.m3u8",
        bandwidthBps: 765600,
        width: 640,
        height: 360,
        codecs: "avc1.4d401e,mp4a.40.2",
      },
      {
        uri: "720p/index.m3u8",
        bandwidthBps: 2745600,
        averageBandwidthBps: 2500000,
        width: 1280,
        height: 720,
      },
    ]);
  });

  it("splits attribute lists on commas outside quotes only", () => {
    expect(parseAttributes('A=1,B="x,y",C=z')).toEqual({ A: "1", B: "x,y", C: "z" });
  });

  it("renders what it parses", () => {
    const variants = parseMasterPlaylist(master);
    const text = renderMasterPlaylist(variants);
    expect(text).toContain(
      '#EXT-X-STREAM-INF:BANDWIDTH=765600,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"\n360p/index.m3u8\n',
    );
    expect(parseMasterPlaylist(text)).toEqual(variants);
  });
});
