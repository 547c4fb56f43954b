import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectCourse } from "../../../sandbox-cli/src/course/index.ts";
import { describeRealCourses, handWrittenCourses, realCourse } from "../../helpers/course-fixtures.ts";
import { buildZip, scorm12Manifest, scratch } from "../../unit/course/zips.ts";

// Real ffmpeg/ffprobe (installed by `npm run setup`): media durations, bitrates, resolutions, HLS levels.
let work: Awaited<ReturnType<typeof scratch>>;
let tempRoot: string;

beforeAll(async () => {
  work = await scratch();
  tempRoot = join(work.dir, "tmp");
  await mkdir(tempRoot);
});
afterAll(() => work.cleanup());

async function clip(name: string, size: string, seconds: number): Promise<string> {
  const file = join(work.dir, name);
  await execa("ffmpeg", [
    "-v",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${size}:rate=25:duration=${seconds}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:duration=${seconds}`,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-c:a",
    "aac",
    "-shortest",
    file,
  ]);
  return file;
}

describeRealCourses("media analysis of a real package with ffprobe", () => {
  it("probes the cmi5 fixture's deflated 8 s 1280x720 H.264 video", async () => {
    const profile = await inspectCourse(realCourse("cmi5_single_au_basic_framed.zip"), { tempRoot });
    expect(profile.media).toEqual([
      expect.objectContaining({
        path: "video/mountains_31175.mp4",
        kind: "video",
        durationS: 8,
        width: 1280,
        height: 720,
        codec: "h264",
      }),
    ]);
    expect(profile.media[0]?.bitrateKbps).toBeGreaterThan(2000);
    expect(profile.estimatedPeakMbps).toBeCloseTo((profile.media[0]?.bitrateKbps ?? 0) / 1000, 1);
    expect(await readdir(tempRoot)).toEqual([]);
  });
});

describe("media analysis with ffprobe", () => {
  it("probes a deflated video in the hand-written cmi5 package (extracted to the temp root, then removed)", async () => {
    const video = await readFile(await clip("deflated.mp4", "640x360", 3));
    const zip = await buildZip([
      { name: "cmi5.xml", data: await readFile(join(handWrittenCourses, "cmi5-basic", "cmi5.xml")) },
      { name: "index.html", data: `<video src="video/clip.mp4"></video>` },
      { name: "video/clip.mp4", data: video, compress: true },
    ]);
    const file = join(work.dir, "cmi5-video.zip");
    await writeFile(file, zip);
    const profile = await inspectCourse(file, { tempRoot });
    expect(profile.format).toBe("cmi5");
    expect(profile.media).toEqual([
      expect.objectContaining({
        path: "video/clip.mp4",
        kind: "video",
        durationS: 3,
        width: 640,
        height: 360,
      }),
    ]);
    expect(await readdir(tempRoot)).toEqual([]);
  });

  it("probes stored media in place and reads HLS levels", async () => {
    const video = await readFile(await clip("a.mp4", "320x180", 2));
    const master =
      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=3000000,RESOLUTION=1280x720\nhi/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=700000,RESOLUTION=640x360\nlo/index.m3u8\n";
    const zip = await buildZip([
      { name: "imsmanifest.xml", data: scorm12Manifest() },
      { name: "index.html", data: `<video src="media/a.mp4"></video>` },
      { name: "media/a.mp4", data: video, compress: false },
      { name: "media/voice.mp3", data: "not audio at all" },
      { name: "hls/master.m3u8", data: master },
      { name: "hls/hi/index.m3u8", data: "#EXTM3U\n#EXTINF:6,\nseg0.ts\n" },
    ]);
    const file = join(work.dir, "stored.zip");
    await writeFile(file, zip);
    const profile = await inspectCourse(file, { tempRoot });
    expect(profile.media).toEqual([
      expect.objectContaining({ path: "media/a.mp4", kind: "video", durationS: 2, width: 320, height: 180 }),
    ]);
    expect(profile.playlists.map((p) => [p.path, p.levels.map((l) => l.bandwidthBps)])).toEqual([
      ["hls/hi/index.m3u8", []],
      ["hls/master.m3u8", [3000000, 700000]],
    ]);
    expect(profile.estimatedPeakMbps).toBe(3);
    expect(profile.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(["MEDIA_UNREADABLE", "MISSING_FILE"]),
    );
    expect(profile.findings.find((f) => f.code === "MISSING_FILE")?.message).toMatch(
      /"hls\/(lo\/index\.m3u8|hi\/seg0\.ts)"/,
    );
    expect(await readdir(tempRoot)).toEqual([]);
  });
});
