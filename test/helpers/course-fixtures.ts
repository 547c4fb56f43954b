import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe } from "vitest";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";
import { listFiles } from "../../sandbox-cli/src/util/files.ts";
import { buildZip } from "../unit/course/zips.ts";

/** The hand-written packages of test/fixtures/courses (see its README.md). */
export const handWrittenCourses = join(projectRoot, "test", "fixtures", "courses");

/** Zips a hand-written package folder (its contents at the zip root), in memory. */
export async function zipFixture(name: string): Promise<Buffer> {
  const root = join(handWrittenCourses, name);
  const files = await listFiles(root);
  return buildZip(
    await Promise.all(files.map(async (file) => ({ name: file, data: await readFile(join(root, file)) }))),
  );
}

/** Writes `zipFixture(name)` to `dir/<name>.zip` and returns its path. */
export async function writeFixtureZip(name: string, dir: string): Promise<string> {
  const file = join(dir, `${name}.zip`);
  await writeFile(file, await zipFixture(name));
  return file;
}

/**
 * Real packages made by other people: the folder named by COURSE_FIXTURES (`.ci/run` sets it to
 * ../shared/fixtures/courses when that exists). A user's clone has none; the tests on them then skip.
 */
export const realCourses: string | undefined = (() => {
  const dir = process.env.COURSE_FIXTURES;
  return dir && existsSync(dir) ? resolve(dir) : undefined;
})();

export const realCourse = (name: string) => join(realCourses ?? "COURSE_FIXTURES-not-set", name);

const SKIP_NOTE = "skipped: set COURSE_FIXTURES=DIR (a folder of real third-party course packages) to run it";

/** `describe` for tests on real third-party packages: skips, saying why, when COURSE_FIXTURES is not set. */
export function describeRealCourses(title: string, body: () => void): void {
  if (!realCourses) console.warn(`${title}: ${SKIP_NOTE}`);
  describe.skipIf(!realCourses)(realCourses ? title : `${title} (${SKIP_NOTE})`, body);
}
