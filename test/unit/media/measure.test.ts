import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxError } from "../../../sandbox-cli/src/errors.ts";
import { measureHls, roundedBitrates as segmentBitrates } from "../../../sandbox-cli/src/media/measure.ts";
import { withMeasuredBandwidth } from "../../../sandbox-cli/src/media/package-hls.ts";

const seg = (durationS: number, bytes: number, uri = "s.ts") => ({ uri, durationS, bytes });

describe("segmentBitrates", () => {
  it("gives the same nominal and peak rate for evenly sized segments", () => {
    expect(segmentBitrates([seg(6, 750_000), seg(6, 750_000)], 6)).toEqual({
      nominalBitrateBps: 1_000_000,
      peakBitrateBps: 1_000_000,
    });
  });

  it("takes the peak over segment windows lasting 0.5 to 1.5 target durations (RFC 8216)", () => {
    // A 1 s segment of 1 MB is too short to count alone (0.5 * 6 = 3 s), but with its 6 s
    // neighbour it forms a 7 s window: (1_000_000 + 750_000) * 8 / 7 = 2_000_000.
    const result = segmentBitrates([seg(6, 750_000), seg(1, 1_000_000), seg(6, 750_000)], 6);
    expect(result.peakBitrateBps).toBe(2_000_000);
    expect(result.nominalBitrateBps).toBe(Math.round((2_500_000 * 8) / 13));
  });

  it("falls back to the nominal rate when no window qualifies", () => {
    expect(segmentBitrates([seg(1, 125_000)], 6)).toEqual({
      nominalBitrateBps: 1_000_000,
      peakBitrateBps: 1_000_000,
    });
    expect(segmentBitrates([], 6)).toEqual({ nominalBitrateBps: 0, peakBitrateBps: 0 });
  });
});

describe("measureHls", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "measure-"));
    await mkdir(join(dir, "low"));
    await writeFile(
      join(dir, "master.m3u8"),
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"\nlow/index.m3u8\n',
    );
    await writeFile(
      join(dir, "low", "index.m3u8"),
      "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\na.ts\n#EXTINF:2.0,\nb.ts\n#EXT-X-ENDLIST\n",
    );
    await writeFile(join(dir, "low", "a.ts"), Buffer.alloc(600_000));
    await writeFile(join(dir, "low", "b.ts"), Buffer.alloc(100_000));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reports each rendition's segments, bytes and bit rates from the files on disk", async () => {
    const { renditions } = await measureHls(dir);
    expect(renditions).toEqual([
      {
        name: "low",
        playlist: "low/index.m3u8",
        width: 640,
        height: 360,
        codecs: "avc1.4d401e,mp4a.40.2",
        declaredBandwidthBps: 900_000,
        targetDurationS: 6,
        segmentCount: 2,
        durationS: 8,
        bytes: 700_000,
        maxSegmentDurationS: 6,
        nominalBitrateBps: 700_000,
        peakBitrateBps: 800_000,
      },
    ]);
  });

  it("raises a declared BANDWIDTH below the measured peak and adds AVERAGE-BANDWIDTH", async () => {
    const measured = await measureHls(dir);
    const low = measured.renditions[0];
    if (!low) throw new Error("no rendition");
    const text = withMeasuredBandwidth(
      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=640x360\nlow/index.m3u8\n",
      measured,
    );
    expect(text).toContain("BANDWIDTH=800000,AVERAGE-BANDWIDTH=700000,RESOLUTION=640x360");
    expect(
      withMeasuredBandwidth("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000\nlow/index.m3u8\n", measured),
    ).toContain("BANDWIDTH=900000,AVERAGE-BANDWIDTH=700000");
  });

  async function failure(path: string): Promise<SandboxError> {
    const error = await measureHls(path).catch((e: unknown) => e);
    if (!(error instanceof SandboxError)) throw new Error(`expected a SandboxError, got ${String(error)}`);
    return error;
  }

  it("names a missing master playlist", async () => {
    const error = await failure(join(dir, "nowhere"));
    expect(error.code).toBe("HLS_OUTPUT_UNREADABLE");
    expect(error.message).toContain("master playlist");
    expect(error.hint).toContain("HLS packager");
  });

  it("names a segment the playlist lists but the folder lacks", async () => {
    const broken = await mkdtemp(join(tmpdir(), "measure-broken-"));
    try {
      await mkdir(join(broken, "low"));
      await writeFile(
        join(broken, "master.m3u8"),
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/index.m3u8\n",
      );
      await writeFile(
        join(broken, "low", "index.m3u8"),
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\ngone.ts\n",
      );
      const error = await failure(broken);
      expect(error.code).toBe("HLS_SEGMENT_MISSING");
      expect(error.message).toContain("gone.ts");
      expect(error.exitCode).toBe(2);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });

  it("names a master playlist without variants", async () => {
    const empty = await mkdtemp(join(tmpdir(), "measure-empty-"));
    try {
      await writeFile(join(empty, "master.m3u8"), "#EXTM3U\n");
      const error = await failure(empty);
      expect(error.code).toBe("HLS_PLAYLIST_INVALID");
      expect(error.message).toContain("no #EXT-X-STREAM-INF");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
