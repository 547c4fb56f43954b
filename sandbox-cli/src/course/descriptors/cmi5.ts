import type { Element } from "@xmldom/xmldom";
import { type FindingCode, finding } from "../findings.ts";
import type { Cmi5Details, Finding, Launch } from "../profile.ts";
import type { FileRef } from "../references.ts";
import { attr, child, children, lineOf, parseXml, textOf } from "../xml.ts";
import { type DescriptorResult, IdentifierRegistry } from "./result.ts";

export const cmi5MoveOn = ["Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"];
export const cmi5LaunchMethods = ["AnyWindow", "OwnWindow"];

/** Parses cmi5.xml: the course, its (nested) blocks and AUs with moveOn, masteryScore and launchMethod. */
export function parseCmi5(bytes: Uint8Array, path: string): DescriptorResult {
  const parsed = parseXml(bytes, path);
  const findings: Finding[] = [...parsed.findings];
  const references: FileRef[] = [];
  const launches: Launch[] = [];
  const result: DescriptorResult = { format: "cmi5", launches, findings, references, descriptor: { path } };
  const root = parsed.document?.documentElement;
  if (!root) return result;
  const at = (code: FindingCode, message: string, line?: number) =>
    findings.push(finding(code, message, { path, line }));
  if (root.localName !== "courseStructure") {
    at(
      "UNEXPECTED_ROOT",
      `${path} has root element <${root.tagName}>; cmi5.xml starts with <courseStructure>`,
    );
    return result;
  }
  if (root.namespaceURI) result.descriptor.schemaVersion = root.namespaceURI;
  const course = child(root, "course");
  const details: Cmi5Details = {
    courseId: course ? (attr(course, "id") ?? "") : "",
    title: langString(course),
    blocks: [],
    aus: [],
  };
  if (!course) at("BAD_ATTRIBUTE", `${path} has no <course> element`);
  else if (!details.courseId) at("BAD_ATTRIBUTE", `<course> in ${path} has no id`, lineOf(course));
  const ids = new IdentifierRegistry();
  ids.add(details.courseId);
  const walk = (parent: Element): string[] => {
    const auIds: string[] = [];
    for (let node = parent.firstChild; node; node = node.nextSibling) {
      if (node.nodeType !== 1) continue;
      const element = node as Element;
      if (element.localName === "au") {
        const au = readAu(element, path, at, references);
        ids.add(au.id, lineOf(element));
        details.aus.push(au);
        auIds.push(au.id);
        if (au.url) launches.push({ id: au.id, title: au.title || au.id, url: au.url, kind: "au" });
      } else if (element.localName === "block") {
        const id = attr(element, "id") ?? "";
        ids.add(id, lineOf(element));
        if (!id) at("BAD_ATTRIBUTE", "a <block> has no id", lineOf(element));
        const block = { id, title: langString(element), auIds: [] as string[] };
        details.blocks.push(block);
        block.auIds = walk(element);
        auIds.push(...block.auIds);
      }
    }
    return auIds;
  };
  walk(root);
  for (const repeat of ids.repeats)
    at("DUPLICATE_IDENTIFIER", `id "${repeat.id}" is used more than once in ${path}`, repeat.line);
  if (launches.length === 0)
    at("NO_LAUNCHABLE", `${path} has no <au> with a <url>; learners would have nothing to start`);
  result.cmi5 = details;
  if (details.title) result.title = details.title;
  return result;
}

function readAu(
  element: Element,
  path: string,
  at: (code: FindingCode, message: string, line?: number) => void,
  references: FileRef[],
): Cmi5Details["aus"][number] {
  const line = lineOf(element);
  const id = attr(element, "id") ?? "";
  if (!id) at("BAD_ATTRIBUTE", "an <au> has no id", line);
  const moveOn = attr(element, "moveOn") ?? "NotApplicable";
  if (!cmi5MoveOn.includes(moveOn))
    at("BAD_ATTRIBUTE", `au "${id}" has moveOn="${moveOn}"; expected one of ${cmi5MoveOn.join(", ")}`, line);
  const launchMethod = attr(element, "launchMethod") ?? "AnyWindow";
  if (!cmi5LaunchMethods.includes(launchMethod))
    at(
      "BAD_ATTRIBUTE",
      `au "${id}" has launchMethod="${launchMethod}"; expected AnyWindow or OwnWindow`,
      line,
    );
  const au: Cmi5Details["aus"][number] = { id, title: langString(element), url: "", moveOn, launchMethod };
  const mastery = attr(element, "masteryScore");
  if (mastery !== undefined) {
    const score = Number(mastery);
    if (mastery.trim() === "" || !Number.isFinite(score) || score < 0 || score > 1)
      at("BAD_ATTRIBUTE", `au "${id}" has masteryScore="${mastery}"; expected a decimal from 0 to 1`, line);
    else au.masteryScore = score;
  }
  const activityType = attr(element, "activityType");
  if (activityType) au.activityType = activityType;
  const url = child(element, "url");
  au.url = textOf(url);
  if (!au.url) at("MISSING_LAUNCH", `au "${id}" has no <url>`, line);
  else
    references.push({ ref: au.url, baseDir: "", from: path, line: url ? lineOf(url) : line, launch: true });
  return au;
}

/** The first <langstring> of a <title>, whatever its language. */
function langString(parent: Element | undefined): string {
  const title = parent ? child(parent, "title") : undefined;
  if (!title) return "";
  return textOf(children(title, "langstring")[0] ?? title);
}
