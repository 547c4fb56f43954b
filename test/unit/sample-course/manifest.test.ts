import { DOMParser, type Element } from "@xmldom/xmldom";
import { describe, expect, it } from "vitest";
import { QUIZ_MASTERY_SCORE, sampleCourseDefinition } from "../../../examples/sample-course/src/course.ts";
import { buildScorm12Manifest, type Scorm12Manifest } from "../../../examples/sample-course/src/manifest.ts";

const IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2";
const ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2";
const files = [
  "lesson/captions.vtt",
  "lesson/index.html",
  "lesson/lesson.js",
  "lesson/video/master.m3u8",
  "lesson/video/360p/index.m3u8",
  "lesson/video/360p/segment_000.ts",
  "quiz/index.html",
  "quiz/quiz.js",
  "shared/scorm12.js",
];

function parse(xml: string) {
  const doc = new DOMParser().parseFromString(xml, "text/xml");
  if (!doc.documentElement) throw new Error("no document element");
  return doc.documentElement;
}
const children = (el: Element, ns: string, name: string) => Array.from(el.getElementsByTagNameNS(ns, name));

describe("the sample course's imsmanifest.xml", () => {
  const xml = buildScorm12Manifest(sampleCourseDefinition(files));
  const root = parse(xml);

  it("is an IMS CP 1.1.2 manifest declaring ADL SCORM 1.2", () => {
    expect(root.localName).toBe("manifest");
    expect(root.namespaceURI).toBe(IMSCP);
    expect(children(root, IMSCP, "schema")[0]?.textContent).toBe("ADL SCORM");
    expect(children(root, IMSCP, "schemaversion")[0]?.textContent).toBe("1.2");
  });

  it("has a default organization with the lesson and the quiz, the quiz with a mastery score", () => {
    const organizations = children(root, IMSCP, "organizations")[0];
    const organization = children(root, IMSCP, "organization")[0];
    expect(organizations?.getAttribute("default")).toBe(organization?.getAttribute("identifier"));
    expect(children(organization as Element, IMSCP, "title")[0]?.textContent).toBe(
      "Sarbanes-Oxley essentials",
    );
    const items = children(root, IMSCP, "item");
    expect(items.map((i) => i.getAttribute("identifierref"))).toEqual(["res_lesson", "res_quiz"]);
    expect(children(items[1] as Element, ADLCP, "masteryscore")[0]?.textContent).toBe(
      String(QUIZ_MASTERY_SCORE),
    );
  });

  it("declares both items' resources as SCOs with a listed launch file, sharing one asset", () => {
    const resources = children(root, IMSCP, "resource");
    const byId = new Map(resources.map((r) => [r.getAttribute("identifier"), r]));
    for (const [id, href] of [
      ["res_lesson", "lesson/index.html"],
      ["res_quiz", "quiz/index.html"],
    ] as const) {
      const resource = byId.get(id) as Element;
      expect(resource.getAttributeNS(ADLCP, "scormtype")).toBe("sco");
      expect(resource.getAttribute("type")).toBe("webcontent");
      expect(resource.getAttribute("href")).toBe(href);
      expect(children(resource, IMSCP, "file").map((f) => f.getAttribute("href"))).toContain(href);
      expect(children(resource, IMSCP, "dependency")[0]?.getAttribute("identifierref")).toBe("res_shared");
    }
    expect(byId.get("res_shared")?.getAttributeNS(ADLCP, "scormtype")).toBe("asset");
  });

  it("lists every package file under exactly one resource, the video under the lesson", () => {
    const listed = children(root, IMSCP, "file").map((f) => f.getAttribute("href"));
    expect([...listed].sort()).toEqual([...files].sort());
    const lesson = children(root, IMSCP, "resource")[0] as Element;
    expect(children(lesson, IMSCP, "file").map((f) => f.getAttribute("href"))).toContain(
      "lesson/video/master.m3u8",
    );
  });

  it("is the same text for the same files", () => {
    expect(buildScorm12Manifest(sampleCourseDefinition([...files].reverse().sort()))).toBe(xml);
  });
});

describe("buildScorm12Manifest", () => {
  const base: Scorm12Manifest = {
    identifier: "m",
    version: "1",
    organization: {
      identifier: "o",
      title: "T & <b>",
      items: [{ identifier: "i", title: "I", resource: "r" }],
    },
    resources: [{ identifier: "r", scormType: "sco", href: "a.html", files: ["a.html"] }],
  };

  it("escapes text", () => {
    expect(buildScorm12Manifest(base)).toContain("<title>T &amp; &lt;b&gt;</title>");
  });

  it.each([
    [{ ...base, identifier: "1bad" }, /not a valid XML ID/],
    [{ ...base, resources: [{ ...base.resources[0], identifier: "o" }] }, /used twice|missing resource/],
    [
      {
        ...base,
        organization: { ...base.organization, items: [{ identifier: "i", title: "I", resource: "x" }] },
      },
      /missing resource x/,
    ],
    [
      { ...base, resources: [{ identifier: "r", scormType: "asset", files: ["a.html"] }] },
      /must reference a SCO/,
    ],
    [{ ...base, resources: [{ ...base.resources[0], files: [] }] }, /does not list its launch file/],
    [{ ...base, resources: [{ ...base.resources[0], dependencies: ["nope"] }] }, /depends on missing nope/],
    [
      {
        ...base,
        organization: {
          ...base.organization,
          items: [{ identifier: "i", title: "I", resource: "r", masteryScore: 120 }],
        },
      },
      /mastery score must be 0-100/,
    ],
  ])("refuses an inconsistent manifest (%#)", (manifest, message) => {
    expect(() => buildScorm12Manifest(manifest as Scorm12Manifest)).toThrow(message);
  });
});
