/**
 * The intake engine alone (what `sandbox course inspect --json` runs, without the CLI's start-up):
 * loads only sandbox-cli/src/course, prints the CourseProfile JSON.
 */
import { inspectCourse } from "../../sandbox-cli/src/course/index.ts";

const input = process.argv[2];
if (!input) throw new Error("usage: inspect-only.ts <zip|dir>");
process.stdout.write(`${JSON.stringify(await inspectCourse(input))}\n`);
