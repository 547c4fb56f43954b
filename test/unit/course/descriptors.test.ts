import { describe, expect, it } from "vitest";
import { parseAicc } from "../../../sandbox-cli/src/course/descriptors/aicc.ts";
import { parseCmi5 } from "../../../sandbox-cli/src/course/descriptors/cmi5.ts";
import { parseCsv, parseIni } from "../../../sandbox-cli/src/course/descriptors/csv.ts";
import { parseTincan } from "../../../sandbox-cli/src/course/descriptors/xapi.ts";
import { detectDescriptor } from "../../../sandbox-cli/src/course/detect.ts";

const bytes = (text: string) => Buffer.from(text);
const messages = (result: { findings: { code: string; message: string }[] }) =>
  result.findings.map((f) => [f.code, f.message]);

const cmi5 = (body: string) => `<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://example.org/course"><title><langstring lang="en-US">Safety</langstring></title></course>
  ${body}
</courseStructure>`;

describe("cmi5.xml", () => {
  it("reads nested blocks and AUs with moveOn, masteryScore, launchMethod and defaults", () => {
    const result = parseCmi5(
      bytes(
        cmi5(`<block id="b1"><title><langstring>Part 1</langstring></title>
          <au id="au1" moveOn="Passed" masteryScore="0.8" launchMethod="OwnWindow" activityType="http://x/video">
            <title><langstring>Intro</langstring></title><url>intro/index.html?a=1</url></au>
          <block id="b2"><title><langstring>Part 1b</langstring></title>
            <au id="au2"><title><langstring>Deep</langstring></title><url>https://cdn.example.org/au2</url></au>
          </block>
        </block>
        <au id="au3"><title><langstring>Top</langstring></title><url>top.html</url></au>`),
      ),
      "cmi5.xml",
    );
    expect(result.findings).toEqual([]);
    expect(result.title).toBe("Safety");
    expect(result.cmi5).toEqual({
      courseId: "https://example.org/course",
      title: "Safety",
      blocks: [
        { id: "b1", title: "Part 1", auIds: ["au1", "au2"] },
        { id: "b2", title: "Part 1b", auIds: ["au2"] },
      ],
      aus: [
        {
          id: "au1",
          title: "Intro",
          url: "intro/index.html?a=1",
          moveOn: "Passed",
          masteryScore: 0.8,
          launchMethod: "OwnWindow",
          activityType: "http://x/video",
        },
        {
          id: "au2",
          title: "Deep",
          url: "https://cdn.example.org/au2",
          moveOn: "NotApplicable",
          launchMethod: "AnyWindow",
        },
        { id: "au3", title: "Top", url: "top.html", moveOn: "NotApplicable", launchMethod: "AnyWindow" },
      ],
    });
    expect(result.launches.map((l) => l.url)).toEqual([
      "intro/index.html?a=1",
      "https://cdn.example.org/au2",
      "top.html",
    ]);
    expect(result.references.every((r) => r.launch)).toBe(true);
  });

  it("reports bad attribute values, missing urls, duplicate ids and a wrong root", () => {
    const result = parseCmi5(
      bytes(
        cmi5(`<au id="a" moveOn="Whenever" masteryScore="1.5" launchMethod="Popup"><title><langstring>x</langstring></title><url>a.html</url></au>
              <au id="a"><title><langstring>y</langstring></title></au>
              <block><au id="c"><url>c.html</url></au></block>`),
      ),
      "cmi5.xml",
    );
    expect(messages(result)).toEqual([
      [
        "BAD_ATTRIBUTE",
        'au "a" has moveOn="Whenever"; expected one of Passed, Completed, CompletedAndPassed, CompletedOrPassed, NotApplicable',
      ],
      ["BAD_ATTRIBUTE", 'au "a" has launchMethod="Popup"; expected AnyWindow or OwnWindow'],
      ["BAD_ATTRIBUTE", 'au "a" has masteryScore="1.5"; expected a decimal from 0 to 1'],
      ["MISSING_LAUNCH", 'au "a" has no <url>'],
      ["BAD_ATTRIBUTE", "a <block> has no id"],
      ["DUPLICATE_IDENTIFIER", 'id "a" is used more than once in cmi5.xml'],
    ]);
    expect(messages(parseCmi5(bytes("<courseStructure/>"), "cmi5.xml"))).toEqual([
      ["BAD_ATTRIBUTE", "cmi5.xml has no <course> element"],
      ["NO_LAUNCHABLE", "cmi5.xml has no <au> with a <url>; learners would have nothing to start"],
    ]);
    expect(messages(parseCmi5(bytes("<course/>"), "cmi5.xml"))).toEqual([
      ["UNEXPECTED_ROOT", "cmi5.xml has root element <course>; cmi5.xml starts with <courseStructure>"],
    ]);
  });
});

describe("tincan.xml", () => {
  it("reads activities with a launch; reports none, duplicates and a wrong root", () => {
    const xml = `<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
      <activity id="urn:a" type="http://adlnet.gov/expapi/activities/course"><name>Golf</name><launch lang="en">index.html</launch></activity>
      <activity id="urn:a"><name>Module</name></activity></activities></tincan>`;
    const result = parseTincan(bytes(xml), "tincan.xml");
    expect(result).toMatchObject({ format: "xapi", title: "Golf" });
    expect(result.launches).toEqual([{ id: "urn:a", title: "Golf", url: "index.html", kind: "activity" }]);
    expect(messages(result)).toEqual([
      ["DUPLICATE_IDENTIFIER", 'activity id "urn:a" is used more than once in tincan.xml'],
    ]);
    expect(messages(parseTincan(bytes("<tincan><activities/></tincan>"), "tincan.xml"))).toEqual([
      ["NO_LAUNCHABLE", "tincan.xml has no <activity> with a <launch>; learners would have nothing to start"],
    ]);
    expect(messages(parseTincan(bytes("<xapi/>"), "tincan.xml"))[0]?.[1]).toBe(
      "tincan.xml has root element <xapi>; tincan.xml starts with <tincan>",
    );
  });
});

describe("AICC", () => {
  const crs = "[Course]\r\nCourse_ID=1\r\nCourse_Title=Forklift safety\r\nVersion=4.0\r\n";
  it("reads .crs/.au/.des/.cst with headers in any letter case", () => {
    const result = parseAicc({
      crs: { path: "c.crs", bytes: bytes(crs) },
      au: {
        path: "c.au",
        bytes: bytes(
          '"SYSTEM_ID","File_Name","Web_Launch"\n"A1","lesson1/start.htm","lang=fr"\n"A2","b.htm",""\n',
        ),
      },
      des: { path: "c.des", bytes: bytes('"System_ID","Title"\n"a1","Lesson ""one"""\n') },
      cst: { path: "c.cst", bytes: bytes('"block","member"\n"root","A1"\n') },
    });
    expect(result).toMatchObject({
      format: "aicc",
      title: "Forklift safety",
      findings: [],
      descriptor: { path: "c.crs", schemaVersion: "4.0" },
    });
    expect(result.launches).toEqual([
      { id: "A1", title: 'Lesson "one"', url: "lesson1/start.htm?lang=fr", kind: "au" },
      { id: "A2", title: "A2", url: "b.htm", kind: "au" },
    ]);
  });

  it("reports missing parts, bad CSV and missing columns", () => {
    const result = parseAicc({
      crs: { path: "c.crs", bytes: bytes(crs) },
      au: { path: "c.au", bytes: bytes('"id","file"\n"A1","x.htm"\n') },
      des: { path: "c.des", bytes: bytes('"system_id","title\n') },
    });
    expect(messages(result)).toEqual([
      ["AICC_MISSING_FILE", "the AICC course has no .cst file next to its .crs; LMSs refuse the import"],
      ["AICC_BAD_CSV", "c.des is not valid CSV: a quoted field is never closed"],
      ["AICC_BAD_CSV", "c.au needs the columns system_id and file_name"],
      [
        "NO_LAUNCHABLE",
        "c.au lists no AU with a system_id and a file_name; learners would have nothing to start",
      ],
    ]);
    expect(
      messages(
        parseAicc({
          crs: { path: "c.crs", bytes: bytes(crs) },
          au: { path: "c.au", bytes: bytes("") },
          des: { path: "c.des", bytes: bytes("") },
          cst: { path: "c.cst", bytes: bytes("x") },
        }),
      ),
    ).toContainEqual(["AICC_BAD_CSV", "c.au is empty; it needs a header row"]);
  });

  it("parses CSV and INI edge cases", () => {
    expect(parseCsv('a, "b,c" ,d\r\n\r\n"x""y",,\n')).toEqual({
      rows: [
        ["a", "b,c", "d"],
        ['x"y', "", ""],
      ],
    });
    expect(parseCsv('"open\nstill')).toEqual({ error: "a quoted field is never closed", line: 1 });
    const ini = parseIni("; comment\n[Course]\nCOURSE_TITLE = T = 1\n[course_behavior]\nmax_normal=1");
    expect(ini.get("course")?.get("course_title")).toBe("T = 1");
    expect(ini.get("course_behavior")?.get("max_normal")).toBe("1");
  });
});

describe("format detection", () => {
  it("prefers imsmanifest.xml, notes several descriptors, flags letter case", () => {
    const both = detectDescriptor(["tincan.xml", "imsmanifest.xml", "a.html"]);
    expect(both.choice).toEqual({ kind: "scorm", path: "imsmanifest.xml" });
    expect(messages(both)).toEqual([
      [
        "MULTIPLE_DESCRIPTORS",
        "the package has several descriptors (imsmanifest.xml (SCORM), tincan.xml (xAPI)); imsmanifest.xml (SCORM) is used",
      ],
    ]);
    const upper = detectDescriptor(["IMSManifest.XML"]);
    expect(upper.choice).toEqual({ kind: "scorm", path: "IMSManifest.XML" });
    expect(messages(upper)).toEqual([
      [
        "DESCRIPTOR_NAME_CASE",
        'the descriptor is named "IMSManifest.XML"; LMSs look for "imsmanifest.xml" exactly and may not find it',
      ],
    ]);
  });

  it("finds AICC parts by extension in any case, preferring the .crs's own name", () => {
    const result = detectDescriptor(["other.AU", "course.CRS", "course.au", "course.des", "x.cst"]);
    expect(result.choice).toEqual({
      kind: "aicc",
      parts: { crs: "course.CRS", au: "course.au", des: "course.des", cst: "x.cst" },
    });
  });

  it("reports a descriptor in a sub-folder and packages with none", () => {
    expect(messages(detectDescriptor(["pkg/cmi5.xml"]))[0]?.[0]).toBe("MANIFEST_NOT_AT_ROOT");
    expect(detectDescriptor(["a.html"]).choice).toEqual({ kind: "none" });
  });
});
