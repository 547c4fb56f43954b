import { finding } from "../findings.ts";
import type { Finding, Launch } from "../profile.ts";
import type { FileRef } from "../references.ts";
import { attr, child, descendants, lineOf, parseXml, textOf } from "../xml.ts";
import { type DescriptorResult, IdentifierRegistry } from "./result.ts";

/** Parses tincan.xml (xAPI / Tin Can): activities with a <launch> are what learners start. */
export function parseTincan(bytes: Uint8Array, path: string): DescriptorResult {
  const parsed = parseXml(bytes, path);
  const findings: Finding[] = [...parsed.findings];
  const references: FileRef[] = [];
  const launches: Launch[] = [];
  const result: DescriptorResult = { format: "xapi", launches, findings, references, descriptor: { path } };
  const root = parsed.document?.documentElement;
  if (!root) return result;
  if (root.localName !== "tincan") {
    findings.push(
      finding(
        "UNEXPECTED_ROOT",
        `${path} has root element <${root.tagName}>; tincan.xml starts with <tincan>`,
        {
          path,
        },
      ),
    );
    return result;
  }
  if (root.namespaceURI) result.descriptor.schemaVersion = root.namespaceURI;
  const ids = new IdentifierRegistry();
  for (const activity of descendants(root, "activity")) {
    const id = attr(activity, "id") ?? "";
    ids.add(id, lineOf(activity));
    const launch = child(activity, "launch");
    const url = textOf(launch);
    if (!launch || !url) continue;
    references.push({ ref: url, baseDir: "", from: path, line: lineOf(launch), launch: true });
    launches.push({ id, title: textOf(child(activity, "name")) || id, url, kind: "activity" });
    if (!result.title) result.title = textOf(child(activity, "name")) || undefined;
  }
  if (result.title === undefined) delete result.title;
  for (const repeat of ids.repeats)
    findings.push(
      finding("DUPLICATE_IDENTIFIER", `activity id "${repeat.id}" is used more than once in ${path}`, {
        path,
        line: repeat.line,
      }),
    );
  if (launches.length === 0)
    findings.push(
      finding(
        "NO_LAUNCHABLE",
        `${path} has no <activity> with a <launch>; learners would have nothing to start`,
        {
          path,
        },
      ),
    );
  return result;
}
