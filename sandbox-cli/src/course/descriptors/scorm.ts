import type { Element } from "@xmldom/xmldom";
import { type FindingCode, finding } from "../findings.ts";
import { combineRefs } from "../paths.ts";
import type { CourseFormat, Finding, Launch, Scorm2004Edition } from "../profile.ts";
import type { FileRef } from "../references.ts";
import { attr, child, children, descendants, lineOf, parseXml, textOf } from "../xml.ts";
import { type DescriptorResult, IdentifierRegistry } from "./result.ts";

const XML_NS = "http://www.w3.org/XML/1998/namespace";

interface Version {
  format: CourseFormat;
  edition?: Scorm2004Edition;
}

/** schemaversion as written by authoring tools, mapped to format and edition. */
export function versionFromSchemaVersion(value: string): Version | undefined {
  const v = value.trim().toLowerCase().replace(/\s+/g, " ");
  if (v === "1.2") return { format: "scorm12" };
  if (v === "cam 1.3" || v === "2004 2nd edition") return { format: "scorm2004", edition: "2nd" };
  if (v === "2004 3rd edition") return { format: "scorm2004", edition: "3rd" };
  if (v === "2004 4th edition") return { format: "scorm2004", edition: "4th" };
  return undefined;
}

/** Without a known schemaversion, the namespaces still tell SCORM 1.2 from 2004. */
function versionFromNamespaces(root: Element): Version {
  const text = root.toString().slice(0, 4000).toLowerCase();
  if (text.includes("imscp_rootv1p1p2") || text.includes("adlcp_rootv1p2")) return { format: "scorm12" };
  return { format: "scorm2004" };
}

interface Resource {
  id: string;
  href?: string;
  bases: string[];
  scormType?: string;
  line?: number | undefined;
}

/** Parses imsmanifest.xml (SCORM 1.2 and 2004 2nd/3rd/4th edition). */
export function parseScormManifest(bytes: Uint8Array, path: string): DescriptorResult {
  const parsed = parseXml(bytes, path);
  const findings: Finding[] = [...parsed.findings];
  const references: FileRef[] = [];
  const empty: DescriptorResult = {
    format: "scorm12",
    launches: [],
    findings,
    references,
    descriptor: { path },
  };
  const root = parsed.document?.documentElement;
  if (!root) return empty;
  const at = (code: FindingCode, message: string, line?: number) =>
    findings.push(finding(code, message, { path, line }));
  if (root.localName !== "manifest") {
    at(
      "UNEXPECTED_ROOT",
      `${path} has root element <${root.tagName}>; a SCORM manifest starts with <manifest>`,
    );
    return empty;
  }
  const schemaVersion = textOf(descendants(root, "schemaversion")[0]);
  let version = schemaVersion ? versionFromSchemaVersion(schemaVersion) : undefined;
  if (!version) {
    version = versionFromNamespaces(root);
    at(
      "SCHEMAVERSION_UNKNOWN",
      `${path} ${schemaVersion ? `has schemaversion "${schemaVersion}"` : "has no <schemaversion>"}; read as ${version.format === "scorm12" ? "SCORM 1.2" : "SCORM 2004 (edition unknown)"} from its namespaces`,
    );
  }
  const ids = new IdentifierRegistry();
  ids.add(attr(root, "identifier"), lineOf(root));
  const resources = readResources(root, version.format, ids, at);
  const { launches, title } = readOrganizations(root, resources, ids, at, references, path);
  // after the launches, so a launch target that is missing is reported as such (first report wins)
  for (const resource of resources.values())
    if (resource.href !== undefined)
      references.push({
        ref: combineRefs([...resource.bases, resource.href]),
        baseDir: "",
        from: path,
        line: resource.line,
        launch: false,
      });
  for (const file of descendants(root, "file")) {
    const href = attr(file, "href");
    const resource = file.parentNode as Element;
    if (href)
      references.push({
        ref: combineRefs([...basesOf(root, resource), href]),
        baseDir: "",
        from: path,
        line: lineOf(file),
        launch: false,
      });
  }
  for (const repeat of ids.repeats)
    at(
      "DUPLICATE_IDENTIFIER",
      `identifier "${repeat.id}" is used more than once in ${path}; LMSs reject or mix up such packages`,
      repeat.line,
    );
  if (launches.length === 0)
    at(
      "NO_LAUNCHABLE",
      `${path} has no item that launches a resource with an href; learners would have nothing to start`,
    );
  const result: DescriptorResult = {
    format: version.format,
    launches,
    findings,
    references,
    descriptor: {
      path,
      ...(schemaVersion ? { schemaVersion } : {}),
      hasSequencing: descendants(root, "sequencing").length > 0,
    },
  };
  if (version.edition) result.edition = version.edition;
  if (title) result.title = title;
  return result;
}

/** xml:base values from the manifest down to `element`, outermost first. */
function basesOf(root: Element, element: Element | null): string[] {
  const bases: string[] = [];
  for (let node: Element | null = element; node; node = node.parentNode as Element | null) {
    if (node.nodeType !== 1) break;
    const base = node.getAttributeNS(XML_NS, "base");
    if (base) bases.unshift(base);
    if (node === root) break;
  }
  return bases;
}

type At = (code: FindingCode, message: string, line?: number) => void;

function readResources(
  root: Element,
  format: CourseFormat,
  ids: IdentifierRegistry,
  at: At,
): Map<string, Resource> {
  const resources = new Map<string, Resource>();
  const expected = format === "scorm12" ? "scormtype" : "scormType";
  const other = format === "scorm12" ? "scormType" : "scormtype";
  const elements = descendants(root, "resource");
  const known = new Set(elements.map((element) => attr(element, "identifier") ?? ""));
  for (const element of elements) {
    const id = attr(element, "identifier") ?? "";
    const line = lineOf(element);
    ids.add(id, line);
    let scormType = attr(element, expected, true);
    if (scormType === undefined) {
      scormType = attr(element, other, true);
      if (scormType !== undefined)
        at(
          "SCORMTYPE_ATTRIBUTE",
          `resource "${id}" spells its type adlcp:${other}; ${format === "scorm12" ? "SCORM 1.2" : "SCORM 2004"} expects adlcp:${expected} (some LMSs then treat the SCO as an asset)`,
          line,
        );
    }
    const href = attr(element, "href");
    const resource: Resource = { id, bases: basesOf(root, element), line };
    if (href !== undefined) resource.href = href;
    if (scormType !== undefined) resource.scormType = scormType.toLowerCase();
    if (!resources.has(id)) resources.set(id, resource);
    for (const dependency of children(element, "dependency")) {
      const ref = attr(dependency, "identifierref");
      if (ref !== undefined && !known.has(ref))
        at(
          "UNKNOWN_RESOURCE_REF",
          `resource "${id}" depends on "${ref}", which no <resource> defines`,
          lineOf(dependency),
        );
    }
  }
  return resources;
}

function readOrganizations(
  root: Element,
  resources: ReadonlyMap<string, Resource>,
  ids: IdentifierRegistry,
  at: At,
  references: FileRef[],
  path: string,
): { launches: Launch[]; title?: string } {
  const organizationsElement = child(root, "organizations");
  const organizations = organizationsElement ? children(organizationsElement, "organization") : [];
  for (const organization of organizations) ids.add(attr(organization, "identifier"), lineOf(organization));
  const defaultId = organizationsElement ? attr(organizationsElement, "default") : undefined;
  let chosen = organizations.find((organization) => attr(organization, "identifier") === defaultId);
  if (!chosen && defaultId)
    // xs:IDREF in the IMS CP schema of both SCORM editions: a reference to nothing is invalid
    at(
      "UNKNOWN_DEFAULT_ORGANIZATION",
      `<organizations default="${defaultId}"> names no <organization>; set it to the identifier of one of them`,
      organizationsElement ? lineOf(organizationsElement) : undefined,
    );
  else if (!chosen && organizations.length > 0)
    at(
      "DEFAULT_ORGANIZATION",
      "<organizations> has no default attribute; the first organization is used",
      organizationsElement ? lineOf(organizationsElement) : undefined,
    );
  chosen ??= organizations[0];
  const launches: Launch[] = [];
  for (const organization of organizations) {
    for (const item of descendants(organization, "item")) {
      ids.add(attr(item, "identifier"), lineOf(item));
      const ref = attr(item, "identifierref");
      if (ref === undefined) continue;
      const resource = resources.get(ref);
      if (!resource) {
        at(
          "UNKNOWN_RESOURCE_REF",
          `item "${attr(item, "identifier") ?? ""}" refers to resource "${ref}", which does not exist`,
          lineOf(item),
        );
        continue;
      }
      if (resource.href === undefined) {
        at(
          "MISSING_LAUNCH",
          `item "${attr(item, "identifier") ?? ""}" launches resource "${ref}", which has no href`,
          lineOf(item),
        );
        continue;
      }
      if (organization !== chosen) continue;
      const url = withParameters(combineRefs([...resource.bases, resource.href]), attr(item, "parameters"));
      references.push({ ref: url, baseDir: "", from: path, line: resource.line, launch: true });
      launches.push({
        id: attr(item, "identifier") ?? ref,
        title: textOf(child(item, "title")) || ref,
        url,
        kind: resource.scormType === "asset" ? "asset" : "sco",
      });
    }
  }
  const title = chosen ? textOf(child(chosen, "title")) : "";
  return title ? { launches, title } : { launches };
}

/** Appends an item's `parameters` to its href the way SCORM's CAM book describes. */
export function withParameters(url: string, parameters: string | undefined): string {
  const value = parameters?.trim();
  if (!value) return url;
  if (value.startsWith("#")) return url.includes("#") ? url : `${url}${value}`;
  const query = value.replace(/^[?&]+/, "");
  return url.includes("?") ? `${url}&${query}` : `${url}?${query}`;
}
