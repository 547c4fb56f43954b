import { describe, expect, it } from "vitest";
import {
  parseScormManifest,
  versionFromSchemaVersion,
  withParameters,
} from "../../../sandbox-cli/src/course/descriptors/scorm.ts";
import { checkReferences } from "../../../sandbox-cli/src/course/references.ts";
import { scorm12Manifest } from "./zips.ts";

const parse = (xml: string) => parseScormManifest(Buffer.from(xml), "imsmanifest.xml");
const codes = (result: { findings: { code: string }[] }) => result.findings.map((f) => f.code);

const scorm2004 = (schemaversion: string, body = "") => `<?xml version="1.0"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss" xml:base="content/">
  <metadata><schema>ADL SCORM</schema><schemaversion>${schemaversion}</schemaversion></metadata>
  <organizations default="o1">
    <organization identifier="o1"><title>Course 2004</title>
      <item identifier="i1" identifierref="r1" parameters="?lang=en"><title>One</title></item>
      <item identifier="i2" identifierref="r2"><title>Two</title><imsss:sequencing/></item>
    </organization>
  </organizations>
  <resources xml:base="lessons/">
    <resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="one.html?x=1"/>
    <resource identifier="r2" type="webcontent" adlcp:scormType="asset" xml:base="two/" href="index.html"/>
    ${body}
  </resources>
</manifest>`;

describe("imsmanifest.xml", () => {
  it("reads SCORM 1.2 with adlcp:scormtype", () => {
    const result = parse(scorm12Manifest());
    expect(result).toMatchObject({ format: "scorm12", title: "Test course", findings: [] });
    expect(result.edition).toBeUndefined();
    expect(result.launches).toEqual([{ id: "item1", title: "Lesson one", url: "index.html", kind: "sco" }]);
    expect(result.descriptor).toEqual({
      path: "imsmanifest.xml",
      schemaVersion: "1.2",
      hasSequencing: false,
    });
  });

  it.each([
    ["CAM 1.3", "2nd"],
    ["2004 2nd Edition", "2nd"],
    ["2004 3rd Edition", "3rd"],
    ["2004 4th Edition", "4th"],
  ])(
    "reads schemaversion %s as SCORM 2004 %s edition, applying xml:base and parameters",
    (version, edition) => {
      const result = parse(scorm2004(version));
      expect(result).toMatchObject({ format: "scorm2004", edition, title: "Course 2004", findings: [] });
      expect(result.descriptor.hasSequencing).toBe(true);
      expect(result.launches).toEqual([
        { id: "i1", title: "One", url: "content/lessons/one.html?x=1&lang=en", kind: "sco" },
        { id: "i2", title: "Two", url: "content/lessons/two/index.html", kind: "asset" },
      ]);
    },
  );

  it("falls back to the namespaces when schemaversion is unknown", () => {
    const result = parse(scorm2004("SCORM 2004 9th"));
    expect(result.format).toBe("scorm2004");
    expect(result.findings).toEqual([
      {
        code: "SCHEMAVERSION_UNKNOWN",
        severity: "warning",
        path: "imsmanifest.xml",
        message:
          'imsmanifest.xml has schemaversion "SCORM 2004 9th"; read as SCORM 2004 (edition unknown) from its namespaces',
      },
    ]);
    const old = parse(scorm12Manifest().replace("<schemaversion>1.2</schemaversion>", ""));
    expect(old.format).toBe("scorm12");
    expect(old.findings[0]?.message).toBe(
      "imsmanifest.xml has no <schemaversion>; read as SCORM 1.2 from its namespaces",
    );
  });

  it("flags the wrong scormtype spelling for the version", () => {
    const result = parse(scorm12Manifest().replace("adlcp:scormtype", "adlcp:scormType"));
    expect(result.findings[0]).toMatchObject({
      code: "SCORMTYPE_ATTRIBUTE",
      message:
        'resource "res1" spells its type adlcp:scormType; SCORM 1.2 expects adlcp:scormtype (some LMSs then treat the SCO as an asset)',
      line: 10,
    });
    expect(result.launches[0]?.kind).toBe("sco");
  });

  it("reports duplicate identifiers, unknown resource references and resources without href", () => {
    const xml = scorm12Manifest(
      "index.html",
      `<resource identifier="res1" type="webcontent" href="dup.html"/>
       <resource identifier="res2" type="webcontent"><dependency identifierref="ghost"/></resource>`,
    ).replace(
      `<item identifier="item1" identifierref="res1"><title>Lesson one</title></item>`,
      `<item identifier="item1" identifierref="res1"><title>Lesson one</title></item>
       <item identifier="item2" identifierref="nothing"><title>Broken</title></item>
       <item identifier="item3" identifierref="res2"><title>No href</title></item>`,
    );
    const result = parse(xml);
    expect(result.findings.map((f) => [f.code, f.message])).toEqual(
      expect.arrayContaining([
        ["UNKNOWN_RESOURCE_REF", 'resource "res2" depends on "ghost", which no <resource> defines'],
        ["UNKNOWN_RESOURCE_REF", 'item "item2" refers to resource "nothing", which does not exist'],
        ["MISSING_LAUNCH", 'item "item3" launches resource "res2", which has no href'],
        [
          "DUPLICATE_IDENTIFIER",
          'identifier "res1" is used more than once in imsmanifest.xml; LMSs reject or mix up such packages',
        ],
      ]),
    );
  });

  it("reports a missing default organization and a manifest without launches", () => {
    const noDefault = parse(scorm12Manifest().replace(' default="org1"', ""));
    expect(noDefault.findings[0]?.message).toBe(
      "<organizations> has no default attribute; the first organization is used",
    );
    const wrong = parse(scorm12Manifest().replace('default="org1"', 'default="orgX"'));
    expect(wrong.findings[0]).toMatchObject({
      code: "UNKNOWN_DEFAULT_ORGANIZATION",
      severity: "error",
      message:
        '<organizations default="orgX"> names no <organization>; set it to the identifier of one of them',
    });
    const wrong2004 = parse(scorm2004("2004 4th Edition").replace('default="o1"', 'default="nothing"'));
    expect(wrong2004.findings.filter((f) => f.severity === "error").map((f) => f.code)).toEqual([
      "UNKNOWN_DEFAULT_ORGANIZATION",
    ]);
    const empty = parse(
      `<manifest identifier="m" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"><metadata><schemaversion>1.2</schemaversion></metadata><organizations/><resources/></manifest>`,
    );
    expect(codes(empty)).toEqual(["NO_LAUNCHABLE"]);
    expect(empty.findings[0]?.message).toBe(
      "imsmanifest.xml has no item that launches a resource with an href; learners would have nothing to start",
    );
  });

  it("reports BAD_XML with a line, UNEXPECTED_ROOT, and never expands entities", () => {
    const broken = parse("<manifest>\n<organizations>\n</manifest>");
    expect(broken.findings[0]).toMatchObject({ code: "BAD_XML", line: 2, path: "imsmanifest.xml" });
    expect(broken.findings[0]?.message).toMatch(/^imsmanifest\.xml is not well-formed XML: /);
    expect(parse("<package/>").findings[0]?.message).toBe(
      "imsmanifest.xml has root element <package>; a SCORM manifest starts with <manifest>",
    );
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE manifest [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY ext SYSTEM "http://127.0.0.1:9/never-fetched">]>
${scorm12Manifest()
  .replace(/^<\?xml[^>]*>\n/, "")
  .replace("<title>Test course</title>", "<title>&c;&ext;</title>")}`;
    const result = parse(laughs);
    expect(result.findings[0]).toEqual({
      code: "XML_DTD",
      severity: "warning",
      path: "imsmanifest.xml",
      line: 2,
      message:
        "imsmanifest.xml declares a DTD with entities; it was ignored (never fetched, entities never expanded)",
    });
    expect(result.title).toBe("&c;&ext;");
    expect(result.launches).toHaveLength(1);
  });

  it("accepts byte-order marks (UTF-8 and UTF-16) with an XML_BOM note", () => {
    const utf8 = parseScormManifest(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(scorm12Manifest())]),
      "imsmanifest.xml",
    );
    expect(codes(utf8)).toEqual(["XML_BOM"]);
    expect(utf8.findings[0]?.message).toBe("imsmanifest.xml starts with a byte-order mark (accepted)");
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(scorm12Manifest().replace('encoding="UTF-8"', 'encoding="UTF-16"'), "utf16le"),
    ]);
    expect(parseScormManifest(utf16, "imsmanifest.xml").launches).toHaveLength(1);
  });

  it("names the encoding problem of UTF-16 without a byte-order mark (instead of BAD_XML)", () => {
    const xml = scorm12Manifest().replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const little = parseScormManifest(Buffer.from(xml, "utf16le"), "imsmanifest.xml");
    expect(little.findings.map((f) => [f.code, f.severity])).toEqual([["XML_ENCODING", "error"]]);
    expect(little.findings[0]?.message).toBe(
      "imsmanifest.xml is UTF-16LE without a byte-order mark; XML in UTF-16 must start with one, and LMSs read it as garbage: save it as UTF-8 (or UTF-16 with a BOM)",
    );
    expect(little.launches).toHaveLength(1);
    const big = Buffer.from(xml, "utf16le").swap16();
    expect(codes(parseScormManifest(big, "imsmanifest.xml"))).toEqual(["XML_ENCODING"]);
  });

  it("maps version strings and parameters", () => {
    expect(versionFromSchemaVersion(" 2004  3rd edition ")).toEqual({ format: "scorm2004", edition: "3rd" });
    expect(versionFromSchemaVersion("1.3")).toBeUndefined();
    expect(withParameters("a.html", "?x=1")).toBe("a.html?x=1");
    expect(withParameters("a.html?y=2", "&x=1")).toBe("a.html?y=2&x=1");
    expect(withParameters("a.html", "#frag")).toBe("a.html#frag");
    expect(withParameters("a.html", undefined)).toBe("a.html");
  });
});

describe("reference checks", () => {
  const files = new Set(["index.html", "Media/Clip.mp4", "lessons/one.html"]);
  const ref = (ref: string, launch = false, baseDir = "") => ({
    ref,
    baseDir,
    from: "imsmanifest.xml",
    launch,
  });

  it("reports missing launch files, missing files, case mismatches and references out of the package", () => {
    const checked = checkReferences(
      [
        ref("start.html", true),
        ref("gone.css"),
        ref("media/clip.mp4"),
        ref("../../etc/passwd"),
        ref("one.html?x=1", false, "lessons"),
        ref("lessons/"),
      ],
      files,
    );
    expect(checked.findings.map((f) => [f.code, f.message])).toEqual([
      ["MISSING_LAUNCH_FILE", 'imsmanifest.xml launches "start.html", which is not in the package'],
      [
        "CASE_MISMATCH",
        'imsmanifest.xml refers to "media/clip.mp4" but the package has "Media/Clip.mp4"; it works on Windows servers and fails (404) on Linux ones',
      ],
      ["REF_OUTSIDE_PACKAGE", 'imsmanifest.xml refers to "../../etc/passwd", which lies outside the package'],
      ["MISSING_FILE", 'imsmanifest.xml refers to "gone.css", which is not in the package'],
    ]);
  });

  it("collects absolute URLs as external and ignores data:, javascript: and fragments", () => {
    const checked = checkReferences(
      [
        ref("https://cdn.example.org/a.js"),
        ref("//fonts.example.net/x.css"),
        ref("data:image/png;base64,AAA"),
        ref("javascript:void(0)"),
        ref("#top"),
      ],
      files,
    );
    expect(checked.findings).toEqual([]);
    expect(checked.externalUrls.map((u) => u.url.host)).toEqual(["cdn.example.org", "fonts.example.net"]);
  });
});
