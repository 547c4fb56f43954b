import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findingCatalog } from "../../../sandbox-cli/src/course/findings.ts";
import { inspectCourse } from "../../../sandbox-cli/src/course/index.ts";
import { CourseProfileSchema } from "../../../sandbox-cli/src/course/profile.ts";
import { renderFindings, renderProfile } from "../../../sandbox-cli/src/course/render.ts";
import { main } from "../../../sandbox-cli/src/main.ts";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { runCli } from "../../helpers/cli.ts";
import { handWrittenCourses, writeFixtureZip } from "../../helpers/course-fixtures.ts";
import { buildZip, scorm12Manifest, scratch } from "./zips.ts";

let work: Awaited<ReturnType<typeof scratch>>;
const zips: Record<string, string> = {};
beforeAll(async () => {
  work = await scratch();
  for (const name of ["manifest-in-folder", "unknown-format", "aicc-basic"])
    zips[name] = await writeFixtureZip(name, work.dir);
});
afterAll(() => work.cleanup());

describe("docs/findings.md", () => {
  it("documents every finding code with its severity, and nothing else", async () => {
    const doc = await readFile(join(projectRoot, "docs", "findings.md"), "utf8");
    const documented = new Map(
      [...doc.matchAll(/^\| `([A-Z0-9_]+)`\s*\| (error|warning|info)\s*\|/gm)].map((m) => [m[1], m[2]]),
    );
    expect(Object.fromEntries(documented)).toEqual(findingCatalog);
  });
});

describe("summary rendering", () => {
  it("prints a summary and a findings table", async () => {
    const profile = await inspectCourse(zips["manifest-in-folder"] as string, { probeMedia: false });
    const text = renderProfile(profile);
    expect(text).toMatch(/^course {5}\(no title\)$/m);
    expect(text).toMatch(/^verdict {4}INVALID \(1 errors, 0 warnings, 0 notes\)$/m);
    expect(text).toMatch(/^SEVERITY {2}CODE {18}WHERE {21}MESSAGE$/m);
    expect(text).toContain("error     MANIFEST_NOT_AT_ROOT  badscorm/imsmanifest.xml  the descriptor");
    expect(
      renderFindings([{ code: "X", severity: "info", message: "m", path: "a.html", line: 3 }]),
    ).toContain("a.html:3");
  });
});

/** The CLI in this process (commander, exit codes, stdout/stderr), without a node start-up per case. */
async function runInProcess(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    const exitCode = await main(["node", "sandbox", ...args]);
    return { exitCode, stdout: out.join(""), stderr: err.join("") };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

describe("sandbox course", () => {
  it("inspect --json prints a CourseProfile and exits 0 even for an invalid package (real process)", async () => {
    const result = await runCli([
      "course",
      "inspect",
      zips["unknown-format"] as string,
      "--json",
      "--no-probe-media",
    ]);
    expect(result.exitCode).toBe(0);
    const profile = CourseProfileSchema.parse(JSON.parse(result.stdout));
    expect(profile).toMatchObject({ format: "unknown", valid: false });
  });

  it("validate exits 1 for an invalid package and 0 for a valid one", async () => {
    const invalid = await runInProcess(["course", "validate", zips["manifest-in-folder"] as string]);
    expect(invalid.exitCode).toBe(1);
    expect(invalid.stdout).toMatch(/^format {5}unknown$/m);
    expect(invalid.stdout).toContain("MANIFEST_NOT_AT_ROOT");
    const valid = await runInProcess(["course", "validate", zips["aicc-basic"] as string]);
    expect(valid.exitCode).toBe(0);
    expect(valid.stdout).toMatch(/^format {5}AICC$/m);
  });

  it("exits 2 with the problem and the fix for unusable input and bad flags", async () => {
    const missing = await runInProcess(["course", "inspect", "/nonexistent/course.zip"]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe(
      "error [COURSE_NOT_FOUND]: /nonexistent/course.zip does not exist\n  fix: pass the path of a course .zip file or of an unpacked course folder\n",
    );
    const notZip = await runInProcess(["course", "validate", join(handWrittenCourses, "README.md")]);
    expect(notZip.exitCode).toBe(2);
    expect(notZip.stderr).toContain("error [COURSE_NOT_A_ZIP]");
    const badFlag = await runInProcess(["course", "inspect", "x.zip", "--max-ratio", "lots"]);
    expect(badFlag.exitCode).toBe(2);
    expect(badFlag.stderr).toContain(`--max-ratio needs a positive number, got "lots"`);
  });

  it("an empty course path is a usage error, not the current folder (real process)", async () => {
    const empty = await runCli(["course", "inspect", ""]);
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain("error [COURSE_PATH_EMPTY]: the course path is empty");
    expect(empty.stdout).toBe("");
  });

  it("with --json, errors are JSON on stdout too: {error: {code, message, hint}} (real process)", async () => {
    const missing = await runCli(["course", "inspect", "/nonexistent/course.zip", "--json"]);
    expect(missing.exitCode).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({
      error: {
        code: "COURSE_NOT_FOUND",
        message: "/nonexistent/course.zip does not exist",
        hint: "pass the path of a course .zip file or of an unpacked course folder",
      },
    });
    expect(missing.stderr).toContain("error [COURSE_NOT_FOUND]");
    const badFlag = await runCli(["course", "inspect", "x.zip", "--json", "--max-ratio", "lots"]);
    expect(badFlag.exitCode).toBe(2);
    expect(JSON.parse(badFlag.stdout).error).toMatchObject({
      code: "USAGE",
      message: expect.stringContaining(`--max-ratio needs a positive number, got "lots"`),
      hint: expect.stringContaining("--help"),
    });
    const unknownOption = await runCli(["status", "--json", "--no-such-flag"]);
    expect(unknownOption.exitCode).toBe(2);
    expect(JSON.parse(unknownOption.stdout).error.message).toContain("--no-such-flag");
  });

  it("validate refuses launches that are not a file in the package or an http(s) URL (UNSAFE_LAUNCH)", async () => {
    for (const href of [
      "javascript:alert(1)",
      "data:text/html,hi",
      "file:///etc/passwd",
      "/etc/passwd",
      "../x.html",
    ]) {
      const zip = await work.write(
        "launch.zip",
        await buildZip([
          { name: "imsmanifest.xml", data: scorm12Manifest(href) },
          { name: "index.html", data: "<p>x</p>" },
        ]),
      );
      const result = await runInProcess(["course", "validate", zip, "--json"]);
      expect(result.exitCode, href).toBe(1);
      const profile = JSON.parse(result.stdout);
      expect(
        profile.findings
          .filter((f: { severity: string }) => f.severity === "error")
          .map((f: { code: string }) => f.code),
        href,
      ).toEqual(["UNSAFE_LAUNCH"]);
    }
    const protocolRelative = await work.write(
      "launch.zip",
      await buildZip([{ name: "imsmanifest.xml", data: scorm12Manifest("//host.example/x.html") }]),
    );
    const result = await runInProcess(["course", "inspect", protocolRelative, "--json"]);
    const profile = JSON.parse(result.stdout);
    expect(profile.launches.map((l: { url: string }) => l.url)).toEqual(["https://host.example/x.html"]);
    expect(profile.externalHosts.map((h: { host: string }) => h.host)).toEqual(["host.example"]);
    expect(profile.findings.map((f: { code: string }) => f.code)).toEqual(["EXTERNAL_HOST"]);
  });
});
