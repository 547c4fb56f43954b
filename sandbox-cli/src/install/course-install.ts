import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { type InstalledLms, lmsAdapter, mediaAdapter } from "../candidates/index.ts";
import type { MeasuredRendition } from "../capacity/measured.ts";
import { inspectCourse } from "../course/index.ts";
import type { CourseProfile } from "../course/profile.ts";
import { sandboxStatus } from "../engine/status.ts";
import { checkFailedError, infrastructureError, usageError } from "../errors.ts";
import { measureHlsFolder, targetDurationOf } from "../media/measure-folder.ts";
import { cacheDir } from "../paths.ts";
import { type CandidateTarget, lastingUrl, readSandboxView, type SandboxView } from "../sandbox/view.ts";
import { zipFolder } from "../util/files.ts";
import type { Logger } from "../util/log.ts";
import { type PreparedMedia, prepareCourseMedia } from "./course-media.ts";

export type { InstalledLms };

export interface PublishedMedia {
  readonly candidate: string;
  readonly source: string;
  readonly masterUrl: string;
  readonly packaged: boolean;
  /** each rendition's measured peak and average (the capacity model's own measurement). */
  readonly renditions: readonly MeasuredRendition[];
  /** the ladder's segment duration, seconds. */
  readonly segmentDurationS: number;
}

export interface InstallResult {
  readonly course: { path: string; title: string; format: string; sha256: string; valid: boolean };
  readonly profile: CourseProfile;
  readonly lms: readonly InstalledLms[];
  readonly media: readonly PublishedMedia[];
}

export const courseIdFor = (profile: CourseProfile, path: string) =>
  (profile.title ?? basename(path))
    .toLowerCase()
    .replace(/\.zip$/, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48) || "course";

/**
 * `sandbox course install`: validates the course, installs it into the sandbox's LMS candidates (each by
 * its catalog install method) and publishes its video as HLS on the sandbox's media server.
 */
export async function installCourse(
  args: { sandbox: string; coursePath: string; candidates?: readonly string[] },
  log: Logger,
): Promise<InstallResult> {
  const profile = await inspectCourse(args.coursePath);
  if (!profile.valid) {
    const errors = profile.findings
      .filter((f) => f.severity === "error")
      .map((f) => `${f.code}: ${f.message}`);
    throw checkFailedError(
      "COURSE_INVALID",
      `${args.coursePath} is not a valid course:\n  ${errors.slice(0, 5).join("\n  ")}`,
      "run `sandbox course validate` and fix the package",
    );
  }
  const status = await sandboxStatus(args.sandbox);
  if (!status)
    throw usageError(
      "INSTALL_NO_SANDBOX",
      `no sandbox named "${args.sandbox}" on this machine`,
      "start it with `sandbox up --spec <file>`",
    );
  const wanted = args.candidates?.length ? new Set(args.candidates) : undefined;
  for (const name of wanted ?? []) {
    if (!status.candidates.some((c) => c.name === name)) {
      throw usageError(
        "INSTALL_UNKNOWN_CANDIDATE",
        `sandbox "${args.sandbox}" has no candidate "${name}"`,
        `pick one of: ${status.candidates.map((c) => c.name).join(", ")}`,
      );
    }
  }
  const chosen = status.candidates.filter((c) => c.kind !== "database" && (!wanted || wanted.has(c.name)));
  await mkdir(join(cacheDir(), "install"), { recursive: true });
  const workDir = await mkdtemp(join(cacheDir(), "install", "course-"));
  // the view's loopback URLs (kubernetes: port-forwards) live until the install ends
  let view: SandboxView | undefined;
  try {
    view = await readSandboxView(args.sandbox, "loopback");
    let zip = args.coursePath;
    if ((await stat(args.coursePath)).isDirectory()) {
      zip = join(workDir, "course.zip");
      await zipFolder(args.coursePath, zip);
    }
    const courseId = courseIdFor(profile, args.coursePath);
    const lms: InstalledLms[] = [];
    const media: PublishedMedia[] = [];
    let prepared: PreparedMedia[] | undefined;
    for (const candidate of chosen) {
      const target = view.candidates.find((t) => t.candidate === candidate.name);
      if (!target)
        throw infrastructureError(
          "INSTALL_CANDIDATE_DOWN",
          `candidate "${candidate.name}" has no running container`,
          "run `sandbox status`, then `sandbox up`",
        );
      if (target.kind === "lms") {
        const { entry, adapter } = await lmsAdapter(target.catalogId);
        const installed = await adapter.install({ target, entry, zip, courseId, log });
        lms.push({ ...installed, launchUrl: lastingUrl(target, installed.launchUrl) });
        continue;
      }
      prepared ??= await prepareCourseMedia(zip, profile, workDir, log);
      media.push(...(await publishCourseMedia(target, prepared, courseId, log)));
    }
    return {
      course: {
        path: args.coursePath,
        title: profile.title ?? basename(args.coursePath),
        format: profile.format,
        sha256: profile.sha256,
        valid: profile.valid,
      },
      profile,
      lms,
      media,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
    await view?.close();
  }
}

/** Publishes each prepared ladder on one media candidate and measures it once (the capacity model's input). */
async function publishCourseMedia(
  target: CandidateTarget,
  prepared: readonly PreparedMedia[],
  courseId: string,
  log: Logger,
): Promise<PublishedMedia[]> {
  const { entry, adapter } = await mediaAdapter(target.catalogId);
  const published: PublishedMedia[] = [];
  for (const item of prepared) {
    const served = await adapter.publish({
      target,
      entry,
      folder: item.folder,
      slug: `${courseId}-${item.slug}`,
    });
    const masterUrl = lastingUrl(target, served);
    const renditions = await measureHlsFolder(item.folder);
    const segmentDurationS = (renditions[0] && (await targetDurationOf(item.folder, renditions[0]))) ?? 6;
    published.push({
      candidate: target.candidate,
      source: item.source,
      masterUrl,
      packaged: item.packaged,
      renditions,
      segmentDurationS,
    });
    log.info(`media: published ${item.source} at ${masterUrl}`);
  }
  return published;
}
