import { docker } from "../../sandbox-cli/src/runtime/docker.ts";
import { jsonRequest } from "../../sandbox-cli/src/util/http-json.ts";
import { runCli } from "./cli.ts";
import { zipFixture } from "./course-fixtures.ts";

/**
 * `sandbox up` of a spec with the reference LMS, then the hand-written SCORM 1.2 course uploaded as
 * "golf" through the LMS's admin API (credentials read from its container). Returns the LMS's
 * published URL and the admin session cookie.
 */
export async function upWithGolfCourse(
  name: string,
  spec: string,
  env: Record<string, string>,
  timeoutMs = 280_000,
): Promise<{ lmsUrl: string; adminCookie: string }> {
  const up = await runCli(["up", "--spec", spec, "--json"], { env, timeoutMs });
  if (up.exitCode !== 0) throw new Error(`sandbox up failed: ${up.stderr}`);
  return installGolfCourse(name, lmsUrlOf(up.stdout));
}

/** The LMS's published URL in the `--json` output of `sandbox up` or `sandbox status`. */
export function lmsUrlOf(upJson: string): string {
  const status = JSON.parse(upJson).status as { candidates: { kind: string; url: string }[] };
  return status.candidates.find((c) => c.kind === "lms")?.url as string;
}

/** Uploads the hand-written SCORM 1.2 course as "golf" through the LMS's admin API. */
export async function installGolfCourse(
  name: string,
  lmsUrl: string,
): Promise<{ lmsUrl: string; adminCookie: string }> {
  const lmsEnv = (await docker().getContainer(`sandbox-${name}-reference-lms`).inspect()).Config.Env;
  const value = (key: string) => lmsEnv.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1);
  const login = await jsonRequest(
    "POST",
    new URL("/api/login", lmsUrl),
    { username: value("ADMIN_USER"), password: value("ADMIN_PASSWORD") },
    undefined,
  );
  const adminCookie = login.cookies.map((c) => c.split(";")[0]).join("; ");
  const installed = await jsonRequest(
    "POST",
    new URL("/api/courses?id=golf", lmsUrl),
    await zipFixture("scorm12-basic"),
    adminCookie,
    "application/zip",
  );
  if (installed.status !== 201)
    throw new Error(`course upload failed: ${installed.status} ${installed.body}`);
  return { lmsUrl, adminCookie };
}
