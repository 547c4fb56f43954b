import { posix } from "node:path";
import type { CourseProfile } from "../course/profile.ts";
import { packageHls, probeMediaFile } from "../media/index.ts";
import type { Logger } from "../util/log.ts";
import { extractEntries, insideFolder, joinUnder } from "./extract-entries.ts";

/** One HLS ladder ready to publish: a folder holding master.m3u8 and its renditions. */
export interface PreparedMedia {
  /** the course file it comes from (a master playlist or a video). */
  readonly source: string;
  readonly folder: string;
  /** folder name on the media server, unique within the course. */
  readonly slug: string;
  readonly packaged: boolean;
}

const slugOf = (path: string) =>
  path
    .toLowerCase()
    .replace(/\.[a-z0-9]+$/, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(-40) || "media";

/**
 * The course's video as HLS ladders: a master playlist the package already carries is published as it
 * is (with its folder); a plain video file is packaged with ffmpeg (360p/540p/720p, 6 s segments).
 */
export async function prepareCourseMedia(
  coursePath: string,
  profile: CourseProfile,
  workDir: string,
  log: Logger,
): Promise<PreparedMedia[]> {
  const prepared: PreparedMedia[] = [];
  const masters = profile.playlists.filter((p) => p.protocol === "hls" && p.levels.length > 0);
  const coveredFolders = masters.map((m) => posix.dirname(m.path));
  for (const master of masters) {
    const folder = posix.dirname(master.path) === "." ? "" : posix.dirname(master.path);
    const slug = slugOf(folder || "hls");
    const written = await extractEntries(coursePath, insideFolder(folder), joinUnder(workDir, "extract"));
    log.info(`media: ${master.path} ships its own HLS ladder (${written.length} files)`);
    prepared.push({
      source: master.path,
      folder: joinUnder(joinUnder(workDir, "extract"), folder),
      slug,
      packaged: false,
    });
  }
  const videos = profile.media.filter(
    (m) =>
      m.kind === "video" &&
      !coveredFolders.some((f) => m.path.startsWith(`${f}/`)) &&
      !/\.(ts|m4s)$/i.test(m.path),
  );
  for (const video of videos) {
    const slug = slugOf(video.path);
    await extractEntries(coursePath, (path) => path === video.path, joinUnder(workDir, "videos"));
    const outputDir = joinUnder(workDir, `packaged/${slug}`);
    const input = await probeMediaFile(joinUnder(joinUnder(workDir, "videos"), video.path));
    await log.step(`package ${video.path} as an HLS ladder (360p/540p/720p, 6 s segments)`, () =>
      packageHls({ input, outputDir, replace: true, logger: log }),
    );
    prepared.push({ source: video.path, folder: outputDir, slug, packaged: true });
  }
  return prepared;
}
