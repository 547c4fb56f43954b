import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectCourse } from "../../../sandbox-cli/src/course/index.ts";
import { CourseProfileSchema } from "../../../sandbox-cli/src/course/profile.ts";
import {
  describeRealCourses,
  handWrittenCourses,
  realCourse,
  writeFixtureZip,
} from "../../helpers/course-fixtures.ts";
import { scratch } from "./zips.ts";

const inspect = (name: string) => inspectCourse(realCourse(name), { probeMedia: false });
const codes = (profile: { findings: { code: string; severity: string }[] }, severity?: string) =>
  profile.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);

describe("hand-written packages (test/fixtures/courses)", () => {
  it("each folder and its zip give the format and launch its README.md says", async () => {
    const work = await scratch();
    const expected = {
      "scorm12-basic": ["scorm12", "shared/launchpage.html"],
      "xapi-basic": ["xapi", "index.html"],
      "cmi5-basic": ["cmi5", "index.html"],
      "aicc-basic": ["aicc", "default.htm"],
    };
    for (const [name, [format, url]] of Object.entries(expected)) {
      for (const source of [join(handWrittenCourses, name), await writeFixtureZip(name, work.dir)]) {
        const profile = await inspectCourse(source, { probeMedia: false });
        expect(profile, source).toMatchObject({ format, valid: true, findings: [] });
        expect(profile.launches.map((l) => l.url)).toEqual([url]);
      }
    }
    const notAtRoot = await inspectCourse(await writeFixtureZip("manifest-in-folder", work.dir));
    expect(notAtRoot.findings.map((f) => f.code)).toEqual(["MANIFEST_NOT_AT_ROOT"]);
    const unknown = await inspectCourse(await writeFixtureZip("unknown-format", work.dir));
    expect(unknown).toMatchObject({ format: "unknown", valid: false });
    await work.cleanup();
  });
});

// Outcomes from the README.md of the COURSE_FIXTURES folder. Media probing (ffprobe) is covered in test/integration/course.
describeRealCourses("real course packages", () => {
  it("singlescobasic.zip: valid SCORM 1.2 with one SCO", async () => {
    const profile = await inspect("singlescobasic.zip");
    expect(CourseProfileSchema.parse(profile)).toBeTruthy();
    expect(profile).toMatchObject({
      format: "scorm12",
      valid: true,
      title: "Golf Explained - Run-time Basic Calls",
    });
    expect(profile.edition).toBeUndefined();
    expect(profile.launches).toEqual([
      { id: "item_1", title: "Golf Explained", url: "shared/launchpage.html", kind: "sco" },
    ]);
    expect(profile.files.count).toBe(46);
    expect(profile.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(profile.externalHosts.map((h) => h.host)).toContain("en.wikipedia.org");
    expect(codes(profile)).toContain("EXTERNAL_HTTP");
  });

  it("RuntimeBasicCalls_SCORM20043rdEdition.zip: valid SCORM 2004 3rd edition with one SCO", async () => {
    const profile = await inspect("RuntimeBasicCalls_SCORM20043rdEdition.zip");
    expect(profile).toMatchObject({ format: "scorm2004", edition: "3rd", valid: true });
    expect(profile.launches).toHaveLength(1);
    expect(profile.launches[0]?.url).toBe("shared/launchpage.html");
    expect(profile.descriptor).toMatchObject({ path: "imsmanifest.xml", schemaVersion: "2004 3rd Edition" });
    expect(codes(profile, "error")).toEqual([]);
  });

  it("cmi5_single_au_basic_framed.zip: valid cmi5 with one AU and one video", async () => {
    const profile = await inspect("cmi5_single_au_basic_framed.zip");
    expect(profile).toMatchObject({ format: "cmi5", valid: true });
    expect(profile.launches).toHaveLength(1);
    expect(profile.cmi5?.aus[0]).toMatchObject({
      moveOn: "CompletedOrPassed",
      launchMethod: "AnyWindow",
      url: "index.html",
    });
    expect(profile.cmi5?.title).toBe("Introduction to Geology - Framed Style");
    expect(profile.findings).toContainEqual(expect.objectContaining({ code: "MEDIA_NOT_PROBED" }));
  });

  it("xapi_golf_example.zip: valid with warnings for missing files and external hosts (BOM accepted)", async () => {
    const profile = await inspect("xapi_golf_example.zip");
    expect(profile).toMatchObject({ format: "xapi", valid: true, title: "Tin Can Golf Example" });
    expect(profile.launches).toEqual([
      expect.objectContaining({
        url: "index.html",
        kind: "activity",
        id: "http://id.tincanapi.com/activity/tincan-prototypes/golf-example",
      }),
    ]);
    expect(codes(profile, "warning")).toEqual(expect.arrayContaining(["MISSING_FILE", "EXTERNAL_HTTP"]));
    expect(codes(profile)).toContain("XML_BOM");
    const missing = profile.findings.find(
      (f) => f.code === "MISSING_FILE" && f.message.includes("tincan-min.js"),
    );
    expect(missing?.message).toMatch(
      /other file\(s\)\) refers to "scripts\/TinCanJS\/build\/tincan-min\.js"/,
    );
  });

  it("aicc_basic.zip: valid AICC with one AU", async () => {
    const profile = await inspect("aicc_basic.zip");
    expect(profile).toMatchObject({ format: "aicc", valid: true, title: "UniversitySite AICC Testing Tool" });
    expect(profile.launches).toEqual([{ id: "A1", title: "Title", url: "default.htm", kind: "au" }]);
  });

  it("badscorm.zip: invalid, manifest not at the root", async () => {
    const profile = await inspect("badscorm.zip");
    expect(profile).toMatchObject({ format: "unknown", valid: false });
    expect(profile.findings).toEqual([
      {
        code: "MANIFEST_NOT_AT_ROOT",
        severity: "error",
        path: "badscorm/imsmanifest.xml",
        message:
          'the descriptor "badscorm/imsmanifest.xml" is inside the folder "badscorm" instead of at the zip root; zip the contents of "badscorm", not the folder itself',
      },
    ]);
  });

  it("invalid.zip: invalid, unknown format", async () => {
    const profile = await inspect("invalid.zip");
    expect(profile).toMatchObject({ format: "unknown", valid: false, launches: [] });
    expect(profile.findings).toEqual([
      {
        code: "UNKNOWN_FORMAT",
        severity: "error",
        message:
          "no imsmanifest.xml, cmi5.xml, tincan.xml or AICC .crs file at the package root: this is not a SCORM, cmi5, xAPI or AICC package",
      },
    ]);
  });
});
