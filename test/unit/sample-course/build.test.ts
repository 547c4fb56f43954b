import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import {
  buildSampleCourse,
  type SampleCourse,
  type VideoPackager,
} from "../../../examples/sample-course/src/build.ts";
import { inspectCourse } from "../../../sandbox-cli/src/course/index.ts";

/** Stands in for ffmpeg: a one-rendition ladder whose bytes depend only on the requested duration. */
function fakePackager(calls: { count: number }): VideoPackager {
  return async ({ input, outputDir }) => {
    calls.count++;
    const seconds = input.kind === "synthetic" ? input.durationS : 0;
    await mkdir(join(outputDir, "360p"), { recursive: true });
    await writeFile(
      join(outputDir, "master.m3u8"),
      "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=700000,RESOLUTION=640x360\n360p/index.m3u8\n",
    );
    await writeFile(
      join(outputDir, "360p", "index.m3u8"),
      `#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:${seconds}.0,\nsegment_000.ts\n#EXT-X-ENDLIST\n`,
    );
    await writeFile(join(outputDir, "360p", "segment_000.ts"), Buffer.alloc(188 * seconds, 0x47));
  };
}

interface ZipEntry {
  name: string;
  time: string;
  compressed: boolean;
}

async function zipEntries(path: string): Promise<ZipEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(path, { lazyEntries: false }, (error, file) => (error ? fail(error) : ok(file))),
  );
  const entries: ZipEntry[] = [];
  await new Promise<void>((ok, fail) => {
    zip.on("entry", (entry: yauzl.Entry) =>
      entries.push({
        name: entry.fileName,
        time: `${entry.lastModFileDate}/${entry.lastModFileTime}`,
        compressed: entry.compressionMethod === 8,
      }),
    );
    zip.on("end", () => ok());
    zip.on("error", fail);
  });
  return entries;
}

describe("buildSampleCourse (video packager replaced)", () => {
  let root: string;
  const calls = { count: 0 };
  let first: SampleCourse;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "sample-course-"));
    first = await buildSampleCourse({
      outDir: join(root, "a"),
      videoSeconds: 12,
      packageVideo: fakePackager(calls),
    });
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("writes the zip into the folder it was given", () => {
    expect(first.zipPath).toBe(join(root, "a", "sarbanes-oxley-essentials.zip"));
    expect(first.cached).toBe(false);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("zips the manifest, both SCOs, the shared runtime with hls.js, and the video ladder", async () => {
    const names = (await zipEntries(first.zipPath)).map((e) => e.name);
    for (const name of [
      "imsmanifest.xml",
      "lesson/index.html",
      "lesson/lesson.js",
      "lesson/captions.vtt",
      "lesson/video/master.m3u8",
      "lesson/video/360p/index.m3u8",
      "lesson/video/360p/segment_000.ts",
      "quiz/index.html",
      "quiz/quiz.js",
      "shared/scorm12.js",
      "shared/hls.light.min.js",
      "shared/hls.js-LICENSE.txt",
    ])
      expect(names).toContain(name);
    expect(names).toHaveLength(first.files);
  });

  it("writes entries in byte order with one fixed time, storing media uncompressed", async () => {
    const entries = await zipEntries(first.zipPath);
    const names = entries.map((e) => e.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(entries.map((e) => e.time)).size).toBe(1);
    expect(entries.find((e) => e.name.endsWith(".ts"))?.compressed).toBe(false);
    expect(entries.find((e) => e.name === "imsmanifest.xml")?.compressed).toBe(true);
  });

  it("lists every file of the package in the manifest, and nothing more", async () => {
    const manifest = await readFile(join(first.packageDir, "imsmanifest.xml"), "utf8");
    const listed = [...manifest.matchAll(/<file href="([^"]+)"\/>/g)].map((m) => m[1]).sort();
    const zipped = (await zipEntries(first.zipPath))
      .map((e) => e.name)
      .filter((n) => n !== "imsmanifest.xml");
    expect(listed).toEqual(zipped.sort());
  });

  it("the lesson page plays the packaged master playlist and calls the SCORM 1.2 API", async () => {
    const page = await readFile(join(first.packageDir, "lesson", "index.html"), "utf8");
    expect(page).toContain('data-src="video/master.m3u8"');
    expect(page).toContain("../shared/hls.light.min.js");
    const runtime = await readFile(join(first.packageDir, "shared", "scorm12.js"), "utf8");
    for (const call of ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"])
      expect(runtime).toContain(call);
    const quiz = await readFile(join(first.packageDir, "quiz", "quiz.js"), "utf8");
    for (const element of ["cmi.core.score.raw", "cmi.core.lesson_status"]) expect(quiz).toContain(element);
  });

  it("passes the project's own course intake as a valid SCORM 1.2 course with two SCOs and an HLS ladder", async () => {
    const profile = await inspectCourse(first.zipPath);
    expect(profile.format).toBe("scorm12");
    expect(profile.valid).toBe(true);
    expect(profile.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(profile.launches.map((l) => [l.url, l.kind])).toEqual([
      ["lesson/index.html", "sco"],
      ["quiz/index.html", "sco"],
    ]);
    expect(profile.sha256).toBe(first.sha256);
    const master = profile.playlists.find((p) => p.path === "lesson/video/master.m3u8");
    expect(master?.levels.map((l) => [l.width, l.height])).toEqual([[640, 360]]);
  });

  it("returns the cached build when nothing changed, without encoding again", async () => {
    const again = await buildSampleCourse({
      outDir: join(root, "a"),
      videoSeconds: 12,
      packageVideo: fakePackager(calls),
    });
    expect(again.cached).toBe(true);
    expect(again.sha256).toBe(first.sha256);
    expect(calls.count).toBe(1);
  });

  it("is reproducible: a fresh build elsewhere gives the same bytes", async () => {
    const other = await buildSampleCourse({
      outDir: join(root, "b"),
      videoSeconds: 12,
      packageVideo: fakePackager(calls),
    });
    expect(other.cached).toBe(false);
    expect(other.sha256).toBe(first.sha256);
  });

  it("rebuilds the video and the zip when an input changes", async () => {
    const before = calls.count;
    const longer = await buildSampleCourse({
      outDir: join(root, "a"),
      videoSeconds: 18,
      packageVideo: fakePackager(calls),
    });
    expect(calls.count).toBe(before + 1);
    expect(longer.cached).toBe(false);
    expect(longer.videoCached).toBe(false);
    expect(longer.buildKey).not.toBe(first.buildKey);
    expect(longer.sha256).not.toBe(first.sha256);
  });

  it("rebuilds on force even when nothing changed, reusing the encoded video", async () => {
    const forced = await buildSampleCourse({
      outDir: join(root, "a"),
      videoSeconds: 18,
      packageVideo: fakePackager(calls),
      force: true,
    });
    expect(forced.cached).toBe(false);
    expect(forced.videoCached).toBe(true);
  });

  it("serialises two builds into one folder: one encodes, the other gets the cached result", async () => {
    const concurrent = { count: 0 };
    const outDir = join(root, "shared");
    const [one, two] = await Promise.all([
      buildSampleCourse({ outDir, videoSeconds: 6, packageVideo: fakePackager(concurrent) }),
      buildSampleCourse({ outDir, videoSeconds: 6, packageVideo: fakePackager(concurrent) }),
    ]);
    expect(concurrent.count).toBe(1);
    expect([one.cached, two.cached].sort()).toEqual([false, true]);
    expect(one.sha256).toBe(two.sha256);
  });
});
