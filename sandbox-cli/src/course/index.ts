/**
 * Course intake: the public surface other modules import. Keep these signatures stable.
 */
import type { CourseProfile, IntakeOptions } from "./profile.ts";

export type { CourseProfile, Finding, IntakeOptions } from "./profile.ts";
export { CourseProfileSchema, DEFAULT_INTAKE_CAPS, IntakeOptionsSchema } from "./profile.ts";

/**
 * Analyses a course package (a .zip file or an unpacked directory) without installing it.
 * Resolves whenever the input could be read (an invalid course gives `valid: false` and findings);
 * rejects with a SandboxError (exit 2) when the input is unusable: missing, unreadable, not a zip, not a dir.
 */
export async function inspectCourse(input: string, options: IntakeOptions = {}): Promise<CourseProfile> {
  void input;
  void options;
  throw new Error("inspectCourse: not implemented yet");
}
