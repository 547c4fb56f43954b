import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mediaAdapter } from "../candidates/index.ts";
import { type LmsTraffic, lmsTrafficFromCourse, type SiteCapacity, siteCapacity } from "../capacity/index.ts";
import { usageError } from "../errors.ts";
import { measureHlsFolder, targetDurationOf } from "../media/measure-folder.ts";
import { candidatesOfKind, withSandboxView } from "../sandbox/view.ts";
import type { LoadedSpec } from "../sandbox-spec/index.ts";
import type { Logger } from "../util/log.ts";
import { measureSiteCapacity } from "./measure-site.ts";

/**
 * `sandbox loadtest --site NAME --find-capacity`: measures the HLS ladder published on the sandbox's
 * media server, predicts the site's N_max from it, then ramps learners through the site's shaped link
 * until playback degrades and records the measured N_max beside the predicted one. Every viewer plays
 * one rendition (`rendition`, else the one the site settles on) so the two figures are comparable.
 */
export async function findSiteCapacity(
  loaded: LoadedSpec,
  siteName: string,
  log: Logger,
  options: { readonly rendition?: string; readonly durationS?: number } = {},
): Promise<SiteCapacity> {
  const site = loaded.sites.find((s) => s.name === siteName);
  if (!site) {
    throw usageError(
      "CAPACITY_UNKNOWN_SITE",
      `the spec has no site "${siteName}"`,
      `use one of: ${loaded.sites.map((s) => s.name).join(", ") || "(add sites to the spec)"}`,
    );
  }
  // its files are copied out through the container (or pod), not its URL; the probes read the sandbox again
  const target = await withSandboxView(
    loaded.spec.name,
    "loopback",
    async (view) => candidatesOfKind(view, "media")[0],
  );
  if (!target)
    throw usageError(
      "CAPACITY_NO_MEDIA",
      `sandbox "${loaded.spec.name}" has no media server`,
      "add media-nginx to the spec's candidates and install a course with video",
    );
  const dir = await mkdtemp(join(tmpdir(), "sandbox-hls-"));
  try {
    const { entry, adapter } = await mediaAdapter(target.catalogId);
    const media = await adapter.download(target, entry, dir);
    const renditions = await measureHlsFolder(media);
    if (renditions.length === 0)
      throw usageError(
        "CAPACITY_NO_VIDEO",
        "the media server holds no HLS ladder",
        "install a course with video first: `sandbox course install course.zip`",
      );
    const predicted = siteCapacity(site, renditions, {
      overhead: loaded.spec.policy.mediaOverhead,
      lms: await lmsTrafficOfSpecCourse(loaded),
    });
    log.info(`site ${site.name}: predicted N_max ${predicted.predictedNMax}`);
    const segmentDurationS = (renditions[0] && (await targetDurationOf(media, renditions[0]))) ?? 6;
    return await measureSiteCapacity(
      {
        spec: loaded.spec,
        site,
        predicted,
        ladder: renditions,
        segmentDurationS,
        media: target.candidate,
        ...(options.rendition !== undefined ? { rendition: options.rendition } : {}),
        ...(options.durationS !== undefined ? { durationS: options.durationS } : {}),
      },
      log,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The probes run the LMS journey beside the video, so the prediction counts the LMS traffic the same
 * way the nightly does: from the spec's first course package (none: video only).
 */
async function lmsTrafficOfSpecCourse(loaded: LoadedSpec): Promise<LmsTraffic> {
  const course = loaded.spec.courses[0];
  if (!course) return { downKbps: 0, upKbps: 0 };
  const { inspectCourse } = await import("../course/index.ts");
  const { specCoursePath } = await import("./spec-courses.ts");
  return lmsTrafficFromCourse(await inspectCourse(await specCoursePath(loaded, course)));
}
