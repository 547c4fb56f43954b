import { join, resolve } from "node:path";
import { projectRoot } from "../paths.ts";
import { type LoadedSpec, specDir } from "../sandbox-spec/index.ts";
import { type Logger, silentLogger } from "../util/log.ts";

/** The bundled sample course's sources (examples/sample-course): not a package until it is built. */
export const SAMPLE_COURSE_SOURCES = join(projectRoot, "examples", "sample-course");

/**
 * The package a spec's course entry names, relative to the spec. The bundled sample course's folder
 * (as the examples name it) stands for the package built from it: built on first use, then cached.
 */
export async function specCoursePath(
  loaded: LoadedSpec,
  course: { path: string },
  log: Logger = silentLogger,
): Promise<string> {
  const path = resolve(specDir(loaded), course.path);
  if (path !== SAMPLE_COURSE_SOURCES) return path;
  const { buildSampleCourse } = await import("../../../examples/sample-course/src/build.ts");
  const built = await log.step("build the bundled sample course (first use only)", () =>
    buildSampleCourse({ logger: log }),
  );
  return built.zipPath;
}
