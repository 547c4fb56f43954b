import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Frame, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSampleCourse, type SampleCourse } from "../../../examples/sample-course/src/build.ts";
import { parseMediaPlaylist } from "../../../loadtests/lib/hls/index.ts";
import { inspectCourse } from "../../../sandbox-cli/src/course/index.ts";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { type PackageServer, servePackage } from "./scorm-harness.ts";

const ARTIFACTS = join(projectRoot, "test-artifacts", "media");
type Call = [string, ...string[]];

/** The few DOM members these checks touch: the project compiles without the DOM library. */
interface VideoElement {
  readyState: number;
  videoWidth: number;
  videoHeight: number;
  duration: number;
  currentTime: number;
  muted: boolean;
  play(): Promise<void>;
}
interface BrowserGlobals {
  calls: Call[];
  document: {
    querySelector(selector: "video"): VideoElement | null;
    getElementById(id: string): { textContent: string | null; className: string } | null;
  };
}

/** The bundled sample course with its real ffmpeg video (12 s here, to keep the suite quick). */
describe("the sample course, built for real", () => {
  let root: string;
  let course: SampleCourse;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "sample-course-real-"));
    course = await buildSampleCourse({ outDir: join(root, "a"), videoSeconds: 12 });
  }, 240_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("is a valid SCORM 1.2 course with two SCOs whose lesson carries a 360p/540p/720p HLS ladder", async () => {
    const profile = await inspectCourse(course.zipPath);
    expect(profile.format).toBe("scorm12");
    expect(profile.valid).toBe(true);
    expect(profile.title).toBe("Sarbanes-Oxley essentials");
    expect(profile.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(profile.launches.filter((l) => l.kind === "sco")).toHaveLength(2);
    const master = profile.playlists.find((p) => p.path === "lesson/video/master.m3u8");
    expect(master?.levels.map((l) => l.height)).toEqual([720, 540, 360]);
  });

  it("cuts the lesson video into 6 s segments", async () => {
    const playlist = parseMediaPlaylist(
      await readFile(join(course.packageDir, "lesson", "video", "720p", "index.m3u8"), "utf8"),
    );
    expect(playlist.segments.map((s) => s.durationS)).toEqual([6, 6]);
  });

  it("gives the same zip, byte for byte, when built again from nothing", async () => {
    const again = await buildSampleCourse({ outDir: join(root, "b"), videoSeconds: 12 });
    expect(again.cached).toBe(false);
    expect(again.videoCached).toBe(false);
    expect(again.sha256).toBe(course.sha256);
  }, 240_000);

  describe("in a browser, inside a stand-in LMS", () => {
    let server: PackageServer;
    let browser: Browser;
    let page: Page;
    const failedResponses: string[] = [];

    beforeAll(async () => {
      await mkdir(ARTIFACTS, { recursive: true });
      server = await servePackage(course.packageDir);
      browser = await chromium.launch({
        executablePath: "/usr/bin/chromium",
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
        ],
      });
      page = await browser.newPage();
      // Nothing leaves the machine: only the package server on 127.0.0.1 is reachable.
      await page.route("**/*", (route) =>
        new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort(),
      );
      page.on("response", (response) => {
        if (response.status() >= 400 && !response.url().endsWith("/favicon.ico"))
          failedResponses.push(response.url());
      });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function openSco(launch: string): Promise<Frame> {
      await page.goto(`${server.baseUrl}/__lms.html?sco=${encodeURIComponent(launch)}`);
      const frame = await (await page.waitForSelector("#sco")).contentFrame();
      if (!frame) throw new Error("the SCO frame did not load");
      await frame.waitForURL((url) => `${url.pathname}${url.search}`.endsWith(launch));
      await frame.waitForLoadState("load");
      return frame;
    }
    // Callbacks below run in the browser: they may use only their own arguments and browser globals.
    const calls = () => page.evaluate(() => (globalThis as unknown as BrowserGlobals).calls);

    it("the lesson plays the HLS ladder with hls.js and reports completion once watched", async () => {
      const lesson = await openSco("lesson/index.html");
      await lesson.waitForFunction(
        () => {
          const video = (globalThis as unknown as BrowserGlobals).document.querySelector("video");
          return video !== null && video.readyState >= 1 && video.videoWidth > 0;
        },
        null,
        { timeout: 30_000 },
      );
      const size = await lesson.evaluate(() => {
        const video = (globalThis as unknown as BrowserGlobals).document.querySelector(
          "video",
        ) as VideoElement;
        return [video.videoWidth, video.videoHeight, Math.round(video.duration)];
      });
      expect([640, 960, 1280]).toContain(size[0]);
      expect(size[2]).toBe(12);
      expect((await calls()).slice(0, 2)).toEqual([
        ["LMSInitialize", ""],
        ["LMSGetValue", "cmi.core.lesson_status"],
      ]);
      // Real decoding, not only a parsed playlist: muted playback advances the clock.
      await lesson.evaluate(() => {
        const video = (globalThis as unknown as BrowserGlobals).document.querySelector(
          "video",
        ) as VideoElement;
        video.muted = true;
        return video.play();
      });
      await lesson.waitForFunction(
        () =>
          ((globalThis as unknown as BrowserGlobals).document.querySelector("video")?.currentTime ?? 0) > 1,
        null,
        { timeout: 30_000 },
      );
      await lesson.evaluate(() => {
        const video = (globalThis as unknown as BrowserGlobals).document.querySelector(
          "video",
        ) as VideoElement;
        video.currentTime = video.duration * 0.95;
      });
      await lesson.waitForFunction(
        () =>
          (globalThis as unknown as BrowserGlobals).document.getElementById("status")?.className ===
          "status done",
        null,
        { timeout: 30_000 },
      );
      await page.screenshot({ path: join(ARTIFACTS, "sample-course-lesson.png") });
      const setValues = (await calls()).filter((c) => c[0] === "LMSSetValue");
      expect(setValues).toEqual([
        ["LMSSetValue", "cmi.core.lesson_status", "incomplete"],
        ["LMSSetValue", "cmi.core.lesson_status", "completed"],
      ]);
      expect(failedResponses).toEqual([]);
    }, 90_000);

    it("the lesson plays a media-server copy named by ?media=, and ignores anything but an http(s) playlist", async () => {
      const linkFor = async (media: string) => {
        const lesson = await openSco(`lesson/index.html?media=${encodeURIComponent(media)}`);
        return lesson.getAttribute("#video-link", "href");
      };
      expect(await linkFor("/lesson/video/master.m3u8")).toBe("/lesson/video/master.m3u8");
      expect(await linkFor("http://127.0.0.1:1/sox/master.m3u8")).toBe("http://127.0.0.1:1/sox/master.m3u8");
      expect(await linkFor("javascript:alert(1)//.m3u8")).toBe("video/master.m3u8");
      expect(await linkFor("/lesson/index.html")).toBe("video/master.m3u8");
    }, 60_000);

    async function takeQuiz(answers: number[]): Promise<{ calls: Call[]; result: string }> {
      const quiz = await openSco("quiz/index.html");
      for (const [i, answer] of answers.entries())
        await quiz.check(`input[name="q${i + 1}"][value="${answer}"]`);
      await quiz.click("#submit");
      await quiz.waitForFunction(() =>
        (globalThis as unknown as BrowserGlobals).document
          .getElementById("result")
          ?.textContent?.startsWith("You scored"),
      );
      return { calls: await calls(), result: (await quiz.textContent("#result")) ?? "" };
    }

    it("the quiz reports score, passed status, commit and finish through the SCORM 1.2 API", async () => {
      const { calls: made, result } = await takeQuiz([1, 0, 1, 2, 1]);
      expect(result).toContain("You scored 100% (5 of 5). Passed.");
      expect(made).toEqual(
        expect.arrayContaining([
          ["LMSInitialize", ""],
          ["LMSSetValue", "cmi.core.score.raw", "100"],
          ["LMSSetValue", "cmi.core.lesson_status", "passed"],
          ["LMSCommit", ""],
          ["LMSFinish", ""],
        ]),
      );
      const sessionTime = made.find((c) => c[1] === "cmi.core.session_time");
      expect(sessionTime?.[2]).toMatch(/^\d{4}:\d{2}:\d{2}\.\d{2}$/);
      expect(made.at(-1)).toEqual(["LMSFinish", ""]);
    }, 60_000);

    it("the quiz fails a learner below the mastery score", async () => {
      const { calls: made, result } = await takeQuiz([1, 0, 1, 0, 0]);
      expect(result).toContain("You scored 60% (3 of 5). Not passed: 80% is needed.");
      expect(made).toEqual(
        expect.arrayContaining([
          ["LMSSetValue", "cmi.core.score.raw", "60"],
          ["LMSSetValue", "cmi.core.lesson_status", "failed"],
        ]),
      );
    }, 60_000);
  });
});
