import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  parseAttributes,
  parseMasterPlaylist,
  parseMediaPlaylist,
  renditionName,
  segmentBitrates,
} from "../../../loadtests/lib/hls/index.ts";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { measureHlsFolder } from "../../../sandbox-cli/src/media/measure-folder.ts";

const master = `#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=2800000,AVERAGE-BANDWIDTH=2400000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"
720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"
360p/index.m3u8
`;

function mediaPlaylist(durations: number[]): string {
  return [
    "#EXTM3U",
    "#EXT-X-TARGETDURATION:6",
    ...durations.flatMap((d, i) => [`#EXTINF:${d.toFixed(3)},`, `seg${i}.ts`]),
    "#EXT-X-ENDLIST",
    "",
  ].join("\n");
}

describe("HLS playlists", () => {
  it("keeps commas inside quoted attribute values", () => {
    expect(parseAttributes('BANDWIDTH=1,CODECS="a,b",RESOLUTION=2x3')).toEqual({
      BANDWIDTH: "1",
      CODECS: "a,b",
      RESOLUTION: "2x3",
    });
  });

  it("reads variants with their declared bandwidth and resolution", () => {
    const variants = parseMasterPlaylist(master);
    expect(variants).toEqual([
      {
        uri: "720p/index.m3u8",
        bandwidthBps: 2_800_000,
        averageBandwidthBps: 2_400_000,
        width: 1280,
        height: 720,
        codecs: "avc1.64001f,mp4a.40.2",
      },
      {
        uri: "360p/index.m3u8",
        bandwidthBps: 900_000,
        width: 640,
        height: 360,
        codecs: "avc1.4d401e,mp4a.40.2",
      },
    ]);
    expect(variants.map(renditionName)).toEqual(["720p", "360p"]);
    expect(renditionName({ uri: "audio-only/index.m3u8" })).toBe("audio-only");
  });

  it("reads segment durations and byte ranges", () => {
    const text =
      "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\n#EXT-X-BYTERANGE:1000@0\nall.mp4\n#EXTINF:3.5,\nb.ts\n";
    expect(parseMediaPlaylist(text)).toEqual({
      targetDurationS: 4,
      segments: [
        { uri: "all.mp4", durationS: 4, byteLength: 1000 },
        { uri: "b.ts", durationS: 3.5 },
      ],
      ended: false,
    });
  });

  it("peak is the highest rate over 0.5-1.5 target durations of segments: a short tail counts with its neighbour", () => {
    const result = segmentBitrates(
      [
        { durationS: 6, bytes: 750_000 }, // 1000 kbit/s
        { durationS: 6, bytes: 1_500_000 }, // 2000 kbit/s: the peak
        { durationS: 1, bytes: 400_000 }, // 3200 kbit/s, but a 1 s tail
      ],
      6,
    );
    expect(result.peakBps).toBeCloseTo((1_900_000 * 8) / 7, 6);
    expect(result.averageBps).toBeCloseTo((2_650_000 * 8) / 13, 6);
  });
});

describe("measureHlsFolder", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "hls-folder-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeRendition(folder: string, segmentBytes: number[]) {
    await mkdir(join(dir, folder), { recursive: true });
    await writeFile(join(dir, folder, "index.m3u8"), mediaPlaylist(segmentBytes.map(() => 6)));
    for (const [i, bytes] of segmentBytes.entries())
      await writeFile(join(dir, folder, `seg${i}.ts`), Buffer.alloc(bytes));
  }

  it("measures each rendition's peak from the segment files, beside the nominal BANDWIDTH", async () => {
    await writeFile(join(dir, "master.m3u8"), master);
    await writeRendition("720p", [1_500_000, 2_325_000, 1_200_000]); // peak 3100 kbit/s
    await writeRendition("360p", [450_000, 600_000]); // peak 800 kbit/s
    const measured = await measureHlsFolder(dir);
    expect(measured).toEqual([
      {
        rendition: "720p",
        nominalKbps: 2800,
        peakKbps: 3100,
        averageKbps: (5_025_000 * 8) / 18 / 1000,
        height: 720,
        playlists: ["720p/index.m3u8"],
      },
      {
        rendition: "360p",
        nominalKbps: 900,
        peakKbps: 800,
        averageKbps: (1_050_000 * 8) / 12 / 1000,
        height: 360,
        playlists: ["360p/index.m3u8"],
      },
    ]);
  });

  it("keeps the highest peak per rendition across videos, and measures playlists no master lists", async () => {
    await mkdir(join(dir, "intro"));
    await mkdir(join(dir, "outro"));
    await writeFile(join(dir, "intro", "master.m3u8"), master);
    await writeFile(join(dir, "outro", "master.m3u8"), master);
    for (const video of ["intro", "outro"]) {
      await mkdir(join(dir, video, "720p"), { recursive: true });
      await mkdir(join(dir, video, "360p"), { recursive: true });
      const bytes720 = video === "intro" ? 1_500_000 : 3_000_000;
      await writeFile(join(dir, video, "720p", "index.m3u8"), mediaPlaylist([6]));
      await writeFile(join(dir, video, "720p", "seg0.ts"), Buffer.alloc(bytes720));
      await writeFile(join(dir, video, "360p", "index.m3u8"), mediaPlaylist([6]));
      await writeFile(join(dir, video, "360p", "seg0.ts"), Buffer.alloc(600_000));
    }
    await writeRendition("audio", [96_000]);
    const measured = await measureHlsFolder(dir);
    expect(measured.map((m) => [m.rendition, m.peakKbps, m.playlists.length])).toEqual([
      ["720p", 4000, 2],
      ["360p", 800, 2],
      ["audio", 128, 1],
    ]);
    expect(measured[2]?.nominalKbps).toBeNull();
  });

  async function errorOf(work: Promise<unknown>) {
    const error = await work.catch((e: unknown) => e);
    if (!isSandboxError(error)) throw new Error(`expected a SandboxError, got ${String(error)}`);
    return error;
  }

  it("names a missing segment and the fix", async () => {
    await mkdir(join(dir, "v"));
    await writeFile(join(dir, "v", "index.m3u8"), mediaPlaylist([6, 6]));
    await writeFile(join(dir, "v", "seg0.ts"), Buffer.alloc(10));
    const error = await errorOf(measureHlsFolder(dir));
    expect(error.code).toBe("HLS_SEGMENT_MISSING");
    expect(error.message).toContain("v/seg1.ts");
    expect(error.exitCode).toBe(2);
    expect(error.hint).toContain("re-package");
  });

  it("names a variant the master lists but the folder lacks", async () => {
    await writeFile(join(dir, "master.m3u8"), master);
    await writeRendition("720p", [1000]);
    const error = await errorOf(measureHlsFolder(dir));
    expect(error.code).toBe("HLS_VARIANT_MISSING");
    expect(error.message).toContain("360p/index.m3u8");
  });

  it("refuses segments outside the folder and remote segments", async () => {
    await writeFile(join(dir, "a.m3u8"), "#EXTM3U\n#EXTINF:6,\n../../etc/passwd\n");
    expect((await errorOf(measureHlsFolder(dir))).code).toBe("HLS_SEGMENT_OUTSIDE");
    await writeFile(join(dir, "a.m3u8"), "#EXTM3U\n#EXTINF:6,\nhttps://cdn.example.com/seg.ts\n");
    expect((await errorOf(measureHlsFolder(dir))).code).toBe("HLS_REMOTE_SEGMENT");
  });

  it("explains an empty folder, a folder that does not exist, and a stray .m3u8", async () => {
    expect((await errorOf(measureHlsFolder(dir))).message).toContain("no .m3u8 playlist");
    const missing = await errorOf(measureHlsFolder(join(dir, "nope")));
    expect(missing.code).toBe("HLS_FOLDER_UNREADABLE");
    expect(missing.hint).toContain("packaged");
    await writeFile(join(dir, "x.m3u8"), "hello");
    expect((await errorOf(measureHlsFolder(dir))).code).toBe("HLS_NOT_A_PLAYLIST");
  });
});
