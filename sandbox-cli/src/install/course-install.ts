import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { findCatalogEntry } from "../../../stacks/catalog/index.ts";
import { type MeasuredRendition, measureHlsFolder, targetDurationOf } from "../capacity/hls-peaks.ts";
import { inspectCourse } from "../course/index.ts";
import type { CourseProfile } from "../course/profile.ts";
import { sandboxStatus } from "../engine/status.ts";
import { checkFailedError, infrastructureError, usageError } from "../errors.ts";
import { lmsRequest } from "../loadtest/lms-admin.ts";
import { resolveSandboxTargets } from "../loadtest/targets.ts";
import { publishToContainer } from "../media/index.ts";
import { cacheDir } from "../paths.ts";
import { zipFolder } from "../util/files.ts";
import type { Logger } from "../util/log.ts";
import { prepareCourseMedia } from "./course-media.ts";
import { uploadFile } from "./upload.ts";

export interface InstalledLms {
  readonly candidate: string;
  readonly courseId: string;
  readonly launchUrl: string;
}

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
  const targets = await resolveSandboxTargets(args.sandbox, "loopback");
  await mkdir(join(cacheDir(), "install"), { recursive: true });
  const workDir = await mkdtemp(join(cacheDir(), "install", "course-"));
  try {
    let zip = args.coursePath;
    if ((await stat(args.coursePath)).isDirectory()) {
      zip = join(workDir, "course.zip");
      await zipFolder(args.coursePath, zip);
    }
    const lms: InstalledLms[] = [];
    const media: PublishedMedia[] = [];
    for (const candidate of chosen) {
      const install = findCatalogEntry(candidate.catalogId)?.install;
      if (install?.method === "reference-lms-api") {
        if (!targets.lms?.admin)
          throw infrastructureError(
            "INSTALL_NO_ADMIN",
            `the LMS "${candidate.name}" has no admin account set`,
            "recreate the sandbox: `sandbox down` then `sandbox up`",
          );
        lms.push(
          await uploadToReferenceLms(
            candidate.name,
            targets.lms.loopbackUrl,
            install.importPath,
            targets.lms.admin,
            zip,
            courseIdFor(profile, args.coursePath),
            log,
          ),
        );
      } else if (install?.method === "publish-media") {
        const app = candidate.instances.find((i) => i.role === "app") ?? candidate.instances[0];
        if (!app || !candidate.url)
          throw infrastructureError(
            "INSTALL_MEDIA_DOWN",
            `media server "${candidate.name}" has no running container`,
            "run `sandbox status`, then `sandbox up`",
          );
        const prepared = await prepareCourseMedia(zip, profile, workDir, log);
        const courseSlug = courseIdFor(profile, args.coursePath);
        for (const item of prepared) {
          const path = `/srv/media/${courseSlug}-${item.slug}`;
          await publishToContainer({ container: app.container, containerPath: path, folder: item.folder });
          const renditions = await measureHlsFolder(item.folder);
          const segmentDurationS =
            (renditions[0] && (await targetDurationOf(item.folder, renditions[0]))) ?? 6;
          media.push({
            candidate: candidate.name,
            source: item.source,
            masterUrl: `${candidate.url.replace(/\/$/, "")}${install.urlPrefix}${courseSlug}-${item.slug}/master.m3u8`,
            packaged: item.packaged,
            renditions,
            segmentDurationS,
          });
          log.info(`media: published ${item.source} at ${media.at(-1)?.masterUrl}`);
        }
      } else if (install?.method === "moodle-cli") {
        throw infrastructureError(
          "INSTALL_MOODLE_UNAVAILABLE",
          `installing into "${candidate.name}" (Moodle) needs its registry image running`,
          "load the Moodle image into the local Docker Engine, or drop moodle from the spec on this machine",
        );
      }
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
  }
}

async function uploadToReferenceLms(
  candidate: string,
  baseUrl: string,
  importPath: string,
  admin: { username: string; password: string },
  zip: string,
  courseId: string,
  log: Logger,
): Promise<InstalledLms> {
  const login = await lmsRequest("POST", new URL("/api/login", baseUrl), admin, undefined);
  if (login.status !== 200)
    throw infrastructureError(
      "INSTALL_LMS_LOGIN",
      `admin login on ${candidate} answered ${login.status}`,
      "check `docker logs` of the LMS container",
    );
  const cookie = login.cookies.map((c) => c.split(";")[0]).join("; ");
  const url = new URL(`${importPath}?id=${courseId}&replace=true`, baseUrl);
  const reply = await log.step(`install the course into ${candidate}`, () =>
    uploadFile(url, zip, { "content-type": "application/zip", cookie }),
  );
  if (reply.status === 422) {
    throw checkFailedError(
      "INSTALL_REJECTED",
      `${candidate} rejected the course: ${reply.body.slice(0, 400)}`,
      "run `sandbox course validate` and fix the findings",
    );
  }
  if (reply.status !== 201)
    throw infrastructureError(
      "INSTALL_FAILED",
      `${candidate} answered ${reply.status}: ${reply.body.slice(0, 300)}`,
      "check the LMS log (`docker logs <container>`)",
    );
  const course = (JSON.parse(reply.body) as { course: { id: string } }).course;
  return { candidate, courseId: course.id, launchUrl: `${baseUrl.replace(/\/$/, "")}/launch/${course.id}` };
}
