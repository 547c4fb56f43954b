import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupExternalHosts } from "../../../sandbox-cli/src/course/external-hosts.ts";
import { inspectCourse } from "../../../sandbox-cli/src/course/index.ts";
import { estimatePeakMbps } from "../../../sandbox-cli/src/course/inspect.ts";
import { ffprobeInput, mediaFromProbe } from "../../../sandbox-cli/src/course/media.ts";
import { PageScanner } from "../../../sandbox-cli/src/course/page-scan.ts";
import { checkEntryName, combineRefs, resolveRef } from "../../../sandbox-cli/src/course/paths.ts";
import { parseDash, parseHls } from "../../../sandbox-cli/src/course/playlists.ts";
import { scorm12Manifest, scratch } from "./zips.ts";

describe("playlists", () => {
  it("reads an HLS master playlist's levels, highest first", () => {
    const master = `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"\n360p/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720\n720p/index.m3u8\n`;
    const parsed = parseHls(Buffer.from(master), "video/master.m3u8");
    expect(parsed.playlist).toEqual({
      path: "video/master.m3u8",
      protocol: "hls",
      levels: [
        { bandwidthBps: 2800000, width: 1280, height: 720, uri: "720p/index.m3u8" },
        {
          bandwidthBps: 800000,
          width: 640,
          height: 360,
          codecs: "avc1.4d401e,mp4a.40.2",
          uri: "360p/index.m3u8",
        },
      ],
    });
    expect(parsed.refs.map((r) => [r.ref, r.baseDir])).toEqual([
      ["360p/index.m3u8", "video"],
      ["720p/index.m3u8", "video"],
    ]);
    const media = parseHls(Buffer.from("#EXTM3U\n#EXTINF:6,\nseg0.ts\n"), "v/index.m3u8");
    expect(media.playlist?.levels).toEqual([]);
    expect(parseHls(Buffer.from("hello"), "x.m3u8").findings[0]?.message).toBe(
      "x.m3u8 does not start with #EXTM3U; it is not an HLS playlist",
    );
  });

  it("reads DASH representations, inheriting from the adaptation set", () => {
    const mpd = `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011"><Period><AdaptationSet width="1920" height="1080" codecs="avc1">
      <Representation id="1" bandwidth="5000000"/><Representation id="2" bandwidth="1000000" width="640" height="360"/></AdaptationSet>
      <AdaptationSet><Representation id="a" bandwidth="128000" codecs="mp4a.40.2"/></AdaptationSet></Period></MPD>`;
    expect(parseDash(Buffer.from(mpd), "v.mpd").playlist?.levels).toEqual([
      { bandwidthBps: 5000000, width: 1920, height: 1080, codecs: "avc1" },
      { bandwidthBps: 1000000, width: 640, height: 360, codecs: "avc1" },
      { bandwidthBps: 128000, codecs: "mp4a.40.2" },
    ]);
    expect(parseDash(Buffer.from("<html/>"), "v.mpd").findings[0]?.message).toBe(
      "v.mpd has root element <html>; a DASH manifest starts with <MPD>",
    );
  });

  it("estimates one learner's peak from the highest media bitrate or top level", () => {
    const media = [{ path: "a.mp4", kind: "video" as const, durationS: 10, bitrateKbps: 2637 }];
    expect(estimatePeakMbps(media, [])).toBe(2.64);
    expect(
      estimatePeakMbps(media, [{ path: "m.m3u8", protocol: "hls", levels: [{ bandwidthBps: 5_000_000 }] }]),
    ).toBe(5);
    expect(estimatePeakMbps([], [])).toBe(0);
  });
});

describe("ffprobe output", () => {
  it("maps video and audio streams, ignoring cover art", () => {
    const video = {
      streams: [
        {
          codec_type: "video",
          codec_name: "mjpeg",
          width: 300,
          height: 300,
          disposition: { attached_pic: 1 },
        },
        { codec_type: "video", codec_name: "h264", width: 1280, height: 720 },
        { codec_type: "audio", codec_name: "aac" },
      ],
      format: { duration: "8.000000", bit_rate: "2636971" },
    };
    expect(mediaFromProbe(video, "v.mp4", 2636971)).toEqual({
      path: "v.mp4",
      kind: "video",
      durationS: 8,
      bitrateKbps: 2637,
      width: 1280,
      height: 720,
      codec: "h264",
      sizeBytes: 2636971,
    });
    const audio = { streams: [{ codec_type: "audio", codec_name: "mp3" }], format: { duration: "4" } };
    expect(mediaFromProbe(audio, "a.mp3", 64000)).toMatchObject({
      kind: "audio",
      bitrateKbps: 128,
      durationS: 4,
    });
    expect(mediaFromProbe({ streams: [{ codec_type: "data" }] }, "x", 1)).toBeUndefined();
    expect(mediaFromProbe("garbage", "x", 1)).toBeUndefined();
    expect(ffprobeInput({ stored: { file: "/p/c.zip", start: 10, end: 20 } })).toBe(
      "subfile,,start,10,end,20,,:/p/c.zip",
    );
    expect(ffprobeInput({ file: "/t/media-1.mp4" })).toBe("file:/t/media-1.mp4");
  });
});

describe("page scanning", () => {
  const scan = (path: string, kind: "html" | "css" | "js", text: string, chunk = 7) => {
    const scanner = new PageScanner(path, kind, 1 << 20);
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += chunk) scanner.push(bytes.subarray(i, i + chunk));
    return scanner.finish();
  };

  it("finds references across chunk seams, once each, with lines", () => {
    const html = `<html>\n<img src="img/a.png">\n<script src='https://cdn.example.org/x.js'></script>\n<a href=#top>x</a><link href="style.css">\n<object data="old.swf"></object><applet code="A.class"></applet>\n<div style="background: url(bg.jpg)"></div><a href="{{link}}">t</a><a href="img/a.png">again</a>`;
    const result = scan("pages/p.html", "html", html, 5);
    expect(result.refs.map((r) => [r.ref, r.line])).toEqual([
      ["img/a.png", 2],
      ["https://cdn.example.org/x.js", 3],
      ["#top", 4],
      ["style.css", 4],
      ["old.swf", 5],
      ["bg.jpg", 6],
    ]);
    expect(result.refs[0]?.baseDir).toBe("pages");
    expect(result.obsolete.sort()).toEqual(["flash", "java-applet"]);
  });

  it("takes only quoted absolute URLs from scripts and url()/@import from styles", () => {
    const js = `// see http://jquery.org/license\nvar api = "https://lrs.example.com/xapi/"; var local = "img/x.png"; var p = '//cdn.example.net/lib.js';`;
    expect(scan("a.js", "js", js).refs.map((r) => r.ref)).toEqual([
      "https://lrs.example.com/xapi/",
      "//cdn.example.net/lib.js",
    ]);
    const css = `@import "base.css";\nbody { background: url('img/bg.png') }\n.x { background: url(http://old.example.com/a.gif) }`;
    expect(scan("s.css", "css", css).refs.map((r) => r.ref)).toEqual([
      "base.css",
      "img/bg.png",
      "http://old.example.com/a.gif",
    ]);
  });

  it("groups hosts, flags plain http and leaves identifier hosts out", () => {
    const at = (url: string, path = "a.html") => ({ url: new URL(url), path });
    const grouped = groupExternalHosts([
      at("https://cdn.example.org/a.js"),
      at("http://cdn.example.org/b.js", "b.html"),
      at("https://fonts.example.net/f.css"),
      at("http://adlnet.gov/expapi/verbs/completed"),
      at("http://www.w3.org/2000/svg"),
      at("https://ssl/"),
    ]);
    expect(grouped.hosts.map((h) => [h.host, h.plainHttp, h.references])).toEqual([
      ["cdn.example.org", true, 2],
      ["fonts.example.net", false, 1],
    ]);
    expect(grouped.findings.map((f) => [f.code, f.message])).toEqual([
      [
        "EXTERNAL_HTTP",
        "the course reaches cdn.example.org over plain http, 2 reference(s) (for example https://cdn.example.org/a.js in a.html); learners' browsers need that host, and the traffic is unencrypted",
      ],
      [
        "EXTERNAL_HOST",
        "the course reaches fonts.example.net, 1 reference(s) (for example https://fonts.example.net/f.css in a.html); learners' browsers need that host to be reachable",
      ],
    ]);
  });
});

describe("paths", () => {
  it("checks entry names", () => {
    expect(checkEntryName("a/./b//c.html")).toEqual({ ok: true, path: "a/b/c.html" });
    expect(checkEntryName("dir/")).toEqual({ ok: true, path: "dir/" });
    for (const bad of ["", "/x", "C:x", "a/../../x", "a\\b", "a\u0000b", "./"])
      expect(checkEntryName(bad).ok).toBe(false);
    expect(checkEntryName("a\u0001b")).toMatchObject({
      finding: { message: `entry "a\\u0001b" contains control characters; it was not read` },
    });
    expect(checkEntryName("./")).toMatchObject({
      finding: { message: `entry "./" names no file; it was not read` },
    });
  });

  it("resolves references and xml:base chains", () => {
    expect(resolveRef("a/b", "../c%20d.html?x#y")).toEqual({ kind: "local", path: "a/c d.html" });
    expect(resolveRef("", "../../x")).toEqual({ kind: "outside" });
    expect(resolveRef("", "mailto:x@y")).toEqual({ kind: "ignored" });
    expect(combineRefs(["content/", "lessons/", "one.html?x=1"])).toBe("content/lessons/one.html?x=1");
    expect(combineRefs(["http://cdn.example.org/base/", "a.html"])).toBe(
      "http://cdn.example.org/base/a.html",
    );
    expect(combineRefs(["../", "../x.html"])).toBe("../x.html");
  });
});

describe("unpacked folders", () => {
  let work: Awaited<ReturnType<typeof scratch>>;
  beforeAll(async () => {
    work = await scratch();
  });
  afterAll(() => work.cleanup());

  it("inspects a folder, refusing links and special files, and hashes its contents", async () => {
    const root = join(work.dir, "course");
    await mkdir(join(root, "media"), { recursive: true });
    await writeFile(join(root, "imsmanifest.xml"), scorm12Manifest());
    await writeFile(join(root, "index.html"), `<video src="media/missing.mp4"></video>`);
    await symlink("/etc/passwd", join(root, "passwd"));
    await execa("mkfifo", [join(root, "pipe")]);
    const profile = await inspectCourse(root, { probeMedia: false, tempRoot: work.dir });
    expect(profile).toMatchObject({ format: "scorm12", source: { kind: "dir" }, files: { count: 2 } });
    expect(profile.findings.map((f) => [f.code, f.message])).toEqual([
      ["SYMLINK_ENTRY", '"passwd" is a symbolic link; it was not followed'],
      ["UNSAFE_PATH", '"pipe" is not a regular file (device, socket or pipe); it was not read'],
      ["MISSING_FILE", 'index.html refers to "media/missing.mp4", which is not in the package'],
    ]);
    const again = await inspectCourse(root, { probeMedia: false, tempRoot: work.dir });
    expect(again.sha256).toBe(profile.sha256);
    await writeFile(join(root, "index.html"), "changed");
    expect((await inspectCourse(root, { probeMedia: false, tempRoot: work.dir })).sha256).not.toBe(
      profile.sha256,
    );
  });
});

describe("package hash", () => {
  it("hashes large zips in a worker thread with the same result", async () => {
    const { createHash } = await import("node:crypto");
    const { hashFile } = await import("../../../sandbox-cli/src/course/hash.ts");
    const work = await scratch();
    try {
      const data = Buffer.alloc(33 * 1024 * 1024, 5);
      const file = await work.write("big.bin", data);
      expect(await hashFile(file)).toBe(createHash("sha256").update(data).digest("hex"));
      await expect(hashFile(`${file}.missing`)).rejects.toThrow(/ENOENT/);
    } finally {
      await work.cleanup();
    }
  });
});
