/**
 * Course intake: the public surface other modules import. Keep these signatures stable.
 */
import { inspectCourse as inspect } from "./inspect.ts";
import type { CourseProfile, IntakeOptions } from "./profile.ts";

export type {
  CourseFormat,
  CourseProfile,
  ExternalHost,
  Finding,
  IntakeOptions,
  Launch,
  Media,
  Playlist,
  PlaylistLevel,
} from "./profile.ts";
export { CourseProfileSchema, DEFAULT_INTAKE_CAPS, IntakeOptionsSchema } from "./profile.ts";

/**
 * Analyses a course package (a .zip file or an unpacked directory) without installing it.
 * Resolves whenever the input could be read (an invalid course gives `valid: false` and findings);
 * rejects with a SandboxError (exit 2) when the input is unusable: missing, unreadable, not a zip, not a dir.
 * Nothing is written outside a private temp dir under `options.tempRoot` (default os.tmpdir()), removed on return.
 */
export function inspectCourse(input: string, options: IntakeOptions = {}): Promise<CourseProfile> {
  return inspect(input, options);
}
