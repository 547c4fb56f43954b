import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRunResultSchema } from "../../../sandbox-cli/src/loadtest/result-schema.ts";
import { runProgram } from "../../../sandbox-cli/src/util/exec.ts";
import { jsonRequest } from "../../../sandbox-cli/src/util/http-json.ts";
import { runCli } from "../../helpers/cli.ts";
import { handWrittenCourses } from "../../helpers/course-fixtures.ts";
import { upWithGolfCourse } from "../../helpers/lms-sandbox.ts";
import { buildZip } from "../../unit/course/zips.ts";
import { makeHlsLadder } from "./hls-fixture.ts";

// A real sandbox (docker target: reference LMS + PostgreSQL + media server + edge), the hand-written SCORM 1.2
// course of test/fixtures/courses, a small HLS ladder on the media server, and `sandbox loadtest` through the CLI.
// Traffic goes only to the sandbox's published 127.0.0.1 ports.
const name = `lt-${randomBytes(3).toString("hex")}`;
let stateDir: string;
let spec: string;
let lmsUrl: string;
let adminCookie: string;
const env = () => ({ SANDBOX_STATE_DIR: stateDir });

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "sandbox-lt-"));
  spec = join(stateDir, "sandbox.yaml");
  await writeFile(
    spec,
    [
      `name: ${name}`,
      "owner: loadtest-it@example.com",
      "ttl: 1h",
      "candidates:",
      "  - catalog: reference-lms",
      "  - catalog: media-nginx",
      "sites:",
      "  - { name: branch, profile: small-branch, learners: 10 }",
      "load: { peakLearners: 4, rampUp: 2s, duration: 12s, commitInterval: 3s, thinkTime: { min: 1s, max: 2s }, maxLearners: 20, maxDuration: 2m }",
      "",
    ].join("\n"),
  );
  ({ lmsUrl, adminCookie } = await upWithGolfCourse(name, spec, env()));
  const ladder = join(process.cwd(), "test-artifacts", "hls-ladder-8s");
  await makeHlsLadder(ladder, 8);
  const media = `sandbox-${name}-media-nginx`;
  await runProgram("docker", ["exec", media, "mkdir", "-p", "/srv/media/golf"]);
  await runProgram("docker", ["cp", `${ladder}/.`, `${media}:/srv/media/golf/`]);
}, 300_000);

afterAll(async () => {
  await runCli(["down", "--spec", spec], { env: env(), timeoutMs: 180_000 });
  await rm(stateDir, { recursive: true, force: true });
}, 200_000);

/** The hand-written cmi5 course plus a 4 s 1280x720 H.264 video made by ffmpeg (deflated in the zip). */
async function cmi5CourseWithVideo(): Promise<string> {
  const video = join(stateDir, "clip.mp4");
  const lavfi = (source: string) => ["-f", "lavfi", "-i", `${source}:duration=4`];
  await runProgram("ffmpeg", [
    ...["-v", "error", "-y", ...lavfi("testsrc2=size=1280x720:rate=25"), ...lavfi("sine=frequency=440")],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", video],
  ]);
  const file = join(stateDir, "cmi5-video.zip");
  const zip = await buildZip([
    { name: "cmi5.xml", data: await readFile(join(handWrittenCourses, "cmi5-basic", "cmi5.xml")) },
    { name: "index.html", data: `<video controls src="video/clip.mp4"></video>` },
    { name: "video/clip.mp4", data: await readFile(video) },
  ]);
  await writeFile(file, zip);
  return file;
}

describe("sandbox loadtest against a real sandbox", () => {
  it("runs learner journeys and paced viewers over 2 runners, merges them and checks integrity", async () => {
    const run = await runCli(["loadtest", "--spec", spec, "--runners", "2", "--site", "branch", "--json"], {
      env: env(),
      timeoutMs: 120_000,
    });
    expect(run.stderr).toContain("provision 4 learner accounts");
    expect(run.exitCode).toBe(0);
    const result = loadRunResultSchema.parse(JSON.parse(run.stdout));
    expect(result.plan).toMatchObject({
      learners: 4,
      runners: 2,
      site: "branch",
      scenarios: ["learner-journey", "hls-viewer"],
    });
    expect(result.passed).toBe(true);
    expect(result.integrity?.ok).toBe(true);
    expect(result.integrity?.commitsSent).toBeGreaterThan(0);
    expect(result.integrity?.commitsStored).toBe(result.integrity?.commitsSent);
    expect(result.metrics.hls_time_to_first_frame?.type).toBe("trend");
    expect(result.metrics.http_req_failed).toMatchObject({ values: { passes: 0 } });
    expect(Math.max(...result.timeline.map((b) => b.activeLearners))).toBe(4);
    expect(result.resources.map((r) => r.role).sort()).toEqual(["app", "app", "database", "edge"]);
    expect(result.resources.every((r) => r.samples.length > 0)).toBe(true);
    // `sandbox report --from` builds the promotion report from the folder this load test just wrote
    const outDir = (JSON.parse(run.stdout) as { outDir: string }).outDir;
    // the runners' config holds the learners' password: its owner alone may read it
    expect((await stat(join(outDir, "config.json"))).mode & 0o777).toBe(0o600);
    const report = await runCli(["report", "--from", outDir, "--json"], { env: env() });
    expect([0, 1, 5], report.stderr).toContain(report.exitCode);
    const written = JSON.parse(report.stdout) as { files: { json: string; html: string } };
    expect(written.files.json).toBe(join(outDir, "report", "report.json"));
    expect(existsSync(written.files.html)).toBe(true);
  }, 150_000);

  it("refuses loads above the spec's caps and targets outside the sandbox (exit 2)", async () => {
    const over = await runCli(["loadtest", "--spec", spec, "--learners", "21"], { env: env() });
    expect(over.exitCode).toBe(2);
    expect(over.stderr).toContain("21 learners is above this sandbox's cap of 20 (load.maxLearners)");
    const foreign = await runCli(["loadtest", "--spec", spec, "--target-url", "http://127.0.0.1:9"], {
      env: env(),
    });
    expect(foreign.exitCode).toBe(2);
    expect(foreign.stderr).toContain("LOAD_TARGET_NOT_CONFIRMED");
  }, 60_000);

  it("sandbox course install puts a cmi5 course into the LMS and its video on the media server as HLS", async () => {
    const install = await runCli(
      ["course", "install", await cmi5CourseWithVideo(), "--spec", spec, "--json"],
      { env: env(), timeoutMs: 240_000 },
    );
    expect(install.exitCode, install.stderr).toBe(0);
    const result = JSON.parse(install.stdout) as {
      course: { format: string; valid: boolean };
      lms: { candidate: string; courseId: string; launchUrl: string }[];
      media: {
        masterUrl: string;
        packaged: boolean;
        renditions: { rendition: string; peakKbps: number }[];
      }[];
    };
    expect(result.course).toMatchObject({ format: "cmi5", valid: true });
    expect(result.lms).toHaveLength(1);
    expect(result.lms[0]?.candidate).toBe("reference-lms");
    // the 1280x720 video was packaged here (the package ships no ladder) and published
    expect(result.media).toHaveLength(1);
    const [media] = result.media;
    expect(media?.packaged).toBe(true);
    expect(media?.renditions.length).toBeGreaterThanOrEqual(2);
    expect(media?.renditions.every((r) => r.peakKbps > 0)).toBe(true);
    const master = new URL(media?.masterUrl as string);
    expect(master.hostname).toBe("127.0.0.1");
    const playlist = await fetch(master);
    expect(playlist.status).toBe(200);
    expect(await playlist.text()).toContain("#EXT-X-STREAM-INF");
    // the LMS holds it as the cmi5 course the intake described
    const stored = await jsonRequest(
      "GET",
      new URL(`/api/courses/${result.lms[0]?.courseId}`, lmsUrl),
      undefined,
      adminCookie,
    );
    expect(stored.status).toBe(200);
    expect(JSON.parse(stored.body).course).toMatchObject({ format: "cmi5" });
  }, 300_000);
});
