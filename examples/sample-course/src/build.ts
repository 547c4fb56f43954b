import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, cp, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { lock } from "proper-lockfile";
import {
  buildHlsArgs,
  DEFAULT_LADDER,
  type HlsOptionsInput,
  type MediaInputArg,
  packageHls,
  parseHlsOptions,
} from "../../../sandbox-cli/src/media/index.ts";
import { stateDir } from "../../../sandbox-cli/src/paths.ts";
import { runProgram } from "../../../sandbox-cli/src/util/exec.ts";
import { listFiles, zipFolder } from "../../../sandbox-cli/src/util/files.ts";
import { type Logger, silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { sampleCourseManifest } from "./course.ts";

const here = dirname(fileURLToPath(import.meta.url));
const contentDir = resolve(here, "..", "content");
const require = createRequire(import.meta.url);

export const SAMPLE_COURSE_ZIP = "sarbanes-oxley-essentials.zip";
export const VIDEO_FOLDER = "lesson/video";
export const DEFAULT_VIDEO_SECONDS = 30;

export type VideoPackager = (args: {
  input: MediaInputArg;
  outputDir: string;
  options: HlsOptionsInput;
}) => Promise<void>;

export interface SampleCourseOptions {
  /** Where the package folder, the zip and the caches go (default: <state dir>/sample-course). */
  outDir?: string;
  videoSeconds?: number;
  ladder?: HlsOptionsInput;
  logger?: Logger;
  /** Rebuild even when nothing changed. */
  force?: boolean;
  /** Replaces the ffmpeg run (tests that only check the package's structure). */
  packageVideo?: VideoPackager;
}

export interface SampleCourse {
  zipPath: string;
  packageDir: string;
  sha256: string;
  files: number;
  zipBytes: number;
  /** True when nothing changed since the last build and the existing zip was returned. */
  cached: boolean;
  videoCached: boolean;
  buildKey: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function hashTree(root: string): Promise<string> {
  const hash = createHash("sha256");
  for (const file of await listFiles(root)) hash.update(`${file}\0`).update(await readFile(join(root, file)));
  return hash.digest("hex");
}

const defaultPackager: VideoPackager = async ({ input, outputDir, options }) => {
  await packageHls({ input, outputDir, options, replace: true });
};

/** Encodes the lesson video once per distinct ffmpeg command line and ffmpeg version. */
async function cachedVideo(
  outDir: string,
  input: MediaInputArg,
  ladder: HlsOptionsInput,
  packager: VideoPackager | undefined,
  logger: Logger,
): Promise<{ dir: string; key: string; cached: boolean }> {
  const args = buildHlsArgs({ input, outputDir: "<out>", options: parseHlsOptions(ladder) });
  const tool = packager
    ? "injected"
    : (await runProgram("ffmpeg", ["-version"], { installHint: "run `npm run setup`" })).stdout.split(
        "\n",
      )[0];
  const key = sha256(JSON.stringify({ args, tool })).slice(0, 16);
  const cacheRoot = join(outDir, "video-cache");
  const dir = join(cacheRoot, key);
  if (await stat(join(dir, "master.m3u8")).catch(() => undefined)) return { dir, key, cached: true };
  await rm(cacheRoot, { recursive: true, force: true });
  const partial = `${dir}.partial`;
  await mkdir(partial, { recursive: true });
  await logger.step(
    `encoding the lesson video (${input.kind === "synthetic" ? input.durationS : "?"} s)`,
    () => (packager ?? defaultPackager)({ input, outputDir: partial, options: ladder }),
  );
  await rename(partial, dir);
  return { dir, key, cached: false };
}

async function assemble(packageDir: string, videoDir: string): Promise<void> {
  await rm(packageDir, { recursive: true, force: true });
  await cp(contentDir, packageDir, { recursive: true });
  await copyFile(
    require.resolve("hls.js/dist/hls.light.min.js"),
    join(packageDir, "shared", "hls.light.min.js"),
  );
  await copyFile(
    join(dirname(require.resolve("hls.js/package.json")), "LICENSE"),
    join(packageDir, "shared", "hls.js-LICENSE.txt"),
  );
  await cp(videoDir, join(packageDir, VIDEO_FOLDER), { recursive: true });
  const files = await listFiles(packageDir);
  await writeFile(join(packageDir, "imsmanifest.xml"), sampleCourseManifest(files));
}

/**
 * Builds the bundled "Sarbanes-Oxley essentials" SCORM 1.2 course: a lesson SCO playing an HLS ladder
 * of a synthetic video, and a quiz SCO. Returns the cached zip when no input changed.
 */
export async function buildSampleCourse(options: SampleCourseOptions = {}): Promise<SampleCourse> {
  const outDir = resolve(options.outDir ?? join(stateDir(), "sample-course"));
  await mkdir(outDir, { recursive: true });
  // Two builds into one folder (a demo while a test runs) would trample each other's partial files.
  const release = await lock(outDir, {
    stale: 30_000,
    retries: { retries: 180, minTimeout: 500, maxTimeout: 2000 },
  });
  try {
    return await buildUnlocked(outDir, options);
  } finally {
    await release();
  }
}

async function buildUnlocked(outDir: string, options: SampleCourseOptions): Promise<SampleCourse> {
  const logger = options.logger ?? silentLogger;
  const ladder: HlsOptionsInput = options.ladder ?? { renditions: [...DEFAULT_LADDER], deterministic: true };
  const input: MediaInputArg = {
    kind: "synthetic",
    durationS: options.videoSeconds ?? DEFAULT_VIDEO_SECONDS,
  };

  const video = await cachedVideo(outDir, input, ladder, options.packageVideo, logger);
  const hlsJs = await readFile(require.resolve("hls.js/dist/hls.light.min.js"));
  const buildKey = sha256(
    [video.key, await hashTree(contentDir), await hashTree(here), sha256(hlsJs)].join("\n"),
  ).slice(0, 16);

  const zipPath = join(outDir, SAMPLE_COURSE_ZIP);
  const packageDir = join(outDir, "package");
  const recordPath = join(outDir, "build.json");
  const record = JSON.parse(await readFile(recordPath, "utf8").catch(() => "{}")) as Partial<SampleCourse>;
  if (!options.force && record.buildKey === buildKey && (await stat(zipPath).catch(() => undefined))) {
    const sha = await sha256File(zipPath);
    if (sha === record.sha256)
      return { ...(record as SampleCourse), sha256: sha, cached: true, videoCached: true };
  }

  const partialZip = `${zipPath}.partial`;
  const files = await logger.step("assembling the SCORM 1.2 package", async () => {
    await assemble(packageDir, video.dir);
    return zipFolder(packageDir, partialZip);
  });
  await rename(partialZip, zipPath);
  const result: SampleCourse = {
    zipPath,
    packageDir,
    sha256: await sha256File(zipPath),
    files,
    zipBytes: (await stat(zipPath)).size,
    cached: false,
    videoCached: video.cached,
    buildKey,
  };
  await writeFile(recordPath, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
