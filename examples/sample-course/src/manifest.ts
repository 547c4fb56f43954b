/** A pure SCORM 1.2 (IMS CP 1.1.2 + ADLCP 1.2) imsmanifest.xml builder: plain data in, XML text out. */

export interface Scorm12Resource {
  identifier: string;
  scormType: "sco" | "asset";
  /** Launch file for a SCO; omitted for an asset bundle. */
  href?: string;
  /** Every file of the resource, relative to the package root, with "/" separators. */
  files: readonly string[];
  dependencies?: readonly string[];
}

export interface Scorm12Item {
  identifier: string;
  title: string;
  resource: string;
  /** adlcp:masteryscore, 0-100: the LMS sets lesson_status passed/failed from score.raw against it. */
  masteryScore?: number;
}

export interface Scorm12Manifest {
  identifier: string;
  version: string;
  organization: { identifier: string; title: string; items: readonly Scorm12Item[] };
  resources: readonly Scorm12Resource[];
}

export function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");
}

const IDENTIFIER = /^[A-Za-z_][\w.-]*$/;

/** Throws on what would make the manifest invalid: bad or duplicate identifiers, dangling references. */
export function checkManifest(manifest: Scorm12Manifest): void {
  const ids = [
    manifest.identifier,
    manifest.organization.identifier,
    ...manifest.organization.items.map((i) => i.identifier),
    ...manifest.resources.map((r) => r.identifier),
  ];
  for (const id of ids) if (!IDENTIFIER.test(id)) throw new Error(`"${id}" is not a valid XML ID`);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new Error(`identifier "${duplicate}" is used twice`);
  const resources = new Map(manifest.resources.map((r) => [r.identifier, r]));
  for (const item of manifest.organization.items) {
    const resource = resources.get(item.resource);
    if (!resource) throw new Error(`item ${item.identifier} references missing resource ${item.resource}`);
    if (resource.scormType !== "sco" || !resource.href)
      throw new Error(`item ${item.identifier} must reference a SCO with an href`);
    if (item.masteryScore !== undefined && !(item.masteryScore >= 0 && item.masteryScore <= 100))
      throw new Error(`item ${item.identifier} mastery score must be 0-100`);
  }
  for (const resource of manifest.resources) {
    for (const dep of resource.dependencies ?? [])
      if (!resources.has(dep)) throw new Error(`resource ${resource.identifier} depends on missing ${dep}`);
    if (resource.href && !resource.files.includes(resource.href))
      throw new Error(`resource ${resource.identifier} does not list its launch file ${resource.href}`);
  }
}

function renderItem(item: Scorm12Item): string[] {
  return [
    `      <item identifier="${item.identifier}" identifierref="${item.resource}" isvisible="true">`,
    `        <title>${escapeXml(item.title)}</title>`,
    ...(item.masteryScore !== undefined
      ? [`        <adlcp:masteryscore>${item.masteryScore}</adlcp:masteryscore>`]
      : []),
    "      </item>",
  ];
}

function renderResource(resource: Scorm12Resource): string[] {
  const href = resource.href ? ` href="${escapeXml(resource.href)}"` : "";
  return [
    `    <resource identifier="${resource.identifier}" type="webcontent" adlcp:scormtype="${resource.scormType}"${href}>`,
    ...resource.files.map((file) => `      <file href="${escapeXml(file)}"/>`),
    ...(resource.dependencies ?? []).map((dep) => `      <dependency identifierref="${dep}"/>`),
    "    </resource>",
  ];
}

export function buildScorm12Manifest(manifest: Scorm12Manifest): string {
  checkManifest(manifest);
  const { organization } = manifest;
  return `${[
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<manifest identifier="${manifest.identifier}" version="${escapeXml(manifest.version)}"`,
    '  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"',
    '  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">',
    "  <metadata>",
    "    <schema>ADL SCORM</schema>",
    "    <schemaversion>1.2</schemaversion>",
    "  </metadata>",
    `  <organizations default="${organization.identifier}">`,
    `    <organization identifier="${organization.identifier}">`,
    `      <title>${escapeXml(organization.title)}</title>`,
    ...organization.items.flatMap(renderItem),
    "    </organization>",
    "  </organizations>",
    "  <resources>",
    ...manifest.resources.flatMap(renderResource),
    "  </resources>",
    "</manifest>",
  ].join("\n")}\n`;
}
