import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMediaPlaylist } from "../../../loadtests/lib/hls/index.ts";
import { SandboxError } from "../../../sandbox-cli/src/errors.ts";
import { type PackageHlsResult, packageHls } from "../../../sandbox-cli/src/media/index.ts";

/** Real ffmpeg on a 12 s synthetic 720p clip: two 6 s segments per rendition. */
describe("packageHls (real ffmpeg)", () => {
  let root: string;
  let result: PackageHlsResult;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "hls-package-"));
    result = await packageHls({ input: { kind: "synthetic", durationS: 12 }, outputDir: join(root, "hls") });
  }, 180_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("writes the three renditions, largest last, with their resolutions in the master playlist", async () => {
    expect(result.renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ["360p", 640, 360],
      ["540p", 960, 540],
      ["720p", 1280, 720],
    ]);
    const master = await readFile(join(root, "hls", "master.m3u8"), "utf8");
    expect(master).toMatch(
      /BANDWIDTH=\d+,AVERAGE-BANDWIDTH=\d+,RESOLUTION=1280x720,CODECS="avc1\.[0-9a-f]+,mp4a\.40\.2"/,
    );
  });

  it("cuts 6 s segments and ends each VOD playlist", async () => {
    for (const rendition of result.renditions) {
      const playlist = parseMediaPlaylist(await readFile(join(root, "hls", rendition.playlist), "utf8"));
      expect(playlist.targetDurationS).toBe(6);
      expect(playlist.ended).toBe(true);
      expect(playlist.segments.map((s) => s.durationS)).toEqual([6, 6]);
      expect(rendition.durationS).toBeCloseTo(12, 1);
    }
  });

  it("starts every segment on its only keyframe, exactly 6 s apart", async () => {
    const keyframes: number[] = [];
    for (const segment of ["segment_000.ts", "segment_001.ts"]) {
      const { stdout } = await execa("ffprobe", [
        ...["-v", "error", "-select_streams", "v:0", "-skip_frame", "nokey"],
        ...["-show_entries", "frame=pts_time", "-of", "csv=p=0"],
        join(root, "hls", "720p", segment),
      ]);
      const times = stdout.split("\n").filter(Boolean).map(Number.parseFloat);
      expect(times).toHaveLength(1);
      keyframes.push(times[0] ?? Number.NaN);
    }
    expect((keyframes[1] ?? 0) - (keyframes[0] ?? 0)).toBeCloseTo(6, 2);
  });

  it("measures bit rates near each rung's target and declares BANDWIDTH at or above the peak", () => {
    const targets = [600 + 96, 1200 + 96, 2400 + 96];
    result.renditions.forEach((rendition, i) => {
      const targetBps = (targets[i] ?? 0) * 1000;
      // MPEG-TS adds a few percent of packet overhead; the encoder stays within its 10% maxrate cap.
      expect(rendition.nominalBitrateBps).toBeGreaterThan(targetBps * 0.8);
      expect(rendition.nominalBitrateBps).toBeLessThan(targetBps * 1.25);
      expect(rendition.peakBitrateBps).toBeGreaterThanOrEqual(rendition.nominalBitrateBps);
      expect(rendition.declaredBandwidthBps).toBeGreaterThanOrEqual(rendition.peakBitrateBps);
    });
    const nominal = result.renditions.map((r) => r.nominalBitrateBps);
    expect([...nominal].sort((a, b) => a - b)).toEqual(nominal);
  });

  it("refuses to write into a folder that already has content", async () => {
    const error = await packageHls({
      input: { kind: "synthetic", durationS: 1 },
      outputDir: join(root, "hls"),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).code).toBe("HLS_OUTPUT_NOT_EMPTY");
    expect((error as SandboxError).hint).toContain("replace: true");
  });

  it("names a missing input file before running ffmpeg", async () => {
    const error = await packageHls({
      input: { kind: "file", path: join(root, "missing.mp4"), hasAudio: true },
      outputDir: join(root, "never"),
    }).catch((e: unknown) => e);
    expect((error as SandboxError).code).toBe("MEDIA_INPUT_MISSING");
    expect((error as SandboxError).exitCode).toBe(2);
  });

  it("reports ffmpeg's own complaint when the input is not a video", async () => {
    const bogus = join(root, "not-a-video.mp4");
    await writeFile(bogus, "this is text");
    const error = await packageHls({
      input: { kind: "file", path: bogus, hasAudio: false },
      outputDir: join(root, "bogus"),
    }).catch((e: unknown) => e);
    expect((error as SandboxError).code).toBe("PROGRAM_FAILED");
    expect((error as SandboxError).exitCode).toBe(4);
    expect((error as SandboxError).message).toContain("not-a-video.mp4");
    expect((error as SandboxError).hint).toContain("ffprobe");
  });
});
