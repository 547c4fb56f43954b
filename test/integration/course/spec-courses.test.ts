import { join } from "node:path";
import { expect, it } from "vitest";
import { inspectCourse } from "../../../sandbox-cli/src/course/index.ts";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { SAMPLE_COURSE_SOURCES, specCoursePath } from "../../../sandbox-cli/src/pipeline/spec-courses.ts";
import { loadSpecFile } from "../../../sandbox-cli/src/sandbox-spec/index.ts";

// `sandbox nightly --spec examples/docker-quickstart.yaml` from a fresh clone: the examples name the
// bundled sample course's folder, which holds its sources, not a package, until it is built.
it("a spec naming examples/sample-course gets the package built from it (real ffmpeg)", async () => {
  for (const example of ["docker-quickstart.yaml", "kubernetes-bakeoff.yaml", "branch-offices.yaml"]) {
    const loaded = await loadSpecFile(join(projectRoot, "examples", example));
    expect(
      loaded.spec.courses.map((c) => join(projectRoot, "examples", c.path)),
      example,
    ).toContain(SAMPLE_COURSE_SOURCES);
  }
  const loaded = await loadSpecFile(join(projectRoot, "examples", "docker-quickstart.yaml"));
  const zip = await specCoursePath(loaded, loaded.spec.courses[0] as { path: string });
  expect(zip).toMatch(/sarbanes-oxley-essentials\.zip$/);
  const profile = await inspectCourse(zip, { probeMedia: false });
  expect(profile).toMatchObject({ format: "scorm12", valid: true, title: "Sarbanes-Oxley essentials" });
  const other = { path: "elsewhere/course.zip" };
  expect(await specCoursePath(loaded, other)).toBe(join(projectRoot, "examples", "elsewhere", "course.zip"));
}, 300_000);
