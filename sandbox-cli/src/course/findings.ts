import type { Finding, Severity } from "./profile.ts";

/**
 * Every finding code with its one severity. docs/findings.md documents each; a test checks that the
 * two lists agree, so add a code here and there together.
 */
export const findingCatalog = {
  // package structure (zip or directory)
  EMPTY_PACKAGE: "error",
  UNSAFE_PATH: "error",
  BACKSLASH_PATH: "error",
  SYMLINK_ENTRY: "error",
  DUPLICATE_ENTRY: "error",
  CASE_COLLISION: "warning",
  NON_UTF8_NAME: "warning",
  ENCRYPTED_ENTRY: "error",
  UNSUPPORTED_COMPRESSION: "error",
  CORRUPT_ENTRY: "error",
  OVERLAPPING_ENTRIES: "error",
  TOO_MANY_ENTRIES: "error",
  TOO_LARGE: "error",
  COMPRESSION_RATIO: "error",
  PACKAGE_COMPRESSION_RATIO: "error",
  NESTED_ZIP: "warning",
  // descriptor detection and XML
  UNKNOWN_FORMAT: "error",
  MANIFEST_NOT_AT_ROOT: "error",
  MULTIPLE_DESCRIPTORS: "info",
  DESCRIPTOR_NAME_CASE: "warning",
  DESCRIPTOR_TOO_LARGE: "error",
  BAD_XML: "error",
  XML_DTD: "warning",
  XML_BOM: "info",
  XML_ENCODING: "error",
  UNEXPECTED_ROOT: "error",
  // descriptor content
  SCHEMAVERSION_UNKNOWN: "warning",
  SCORMTYPE_ATTRIBUTE: "warning",
  DUPLICATE_IDENTIFIER: "error",
  UNKNOWN_RESOURCE_REF: "error",
  DEFAULT_ORGANIZATION: "warning",
  UNKNOWN_DEFAULT_ORGANIZATION: "error",
  MISSING_LAUNCH: "error",
  NO_LAUNCHABLE: "error",
  MISSING_LAUNCH_FILE: "error",
  UNSAFE_LAUNCH: "error",
  MISSING_FILE: "warning",
  CASE_MISMATCH: "warning",
  REF_OUTSIDE_PACKAGE: "warning",
  BAD_ATTRIBUTE: "error",
  AICC_MISSING_FILE: "error",
  AICC_BAD_CSV: "error",
  // network, media, technology
  EXTERNAL_HOST: "warning",
  EXTERNAL_HTTP: "warning",
  OBSOLETE_TECHNOLOGY: "warning",
  MEDIA_UNREADABLE: "warning",
  MEDIA_NOT_PROBED: "info",
  BAD_PLAYLIST: "warning",
  SCAN_TRUNCATED: "info",
} as const satisfies Record<string, Severity>;

export type FindingCode = keyof typeof findingCatalog;

export interface FindingPlace {
  path?: string | undefined;
  line?: number | undefined;
}

/** Builds a finding with the code's catalogued severity; `path` and `line` only when known. */
export function finding(code: FindingCode, message: string, place: FindingPlace = {}): Finding {
  const result: Finding = { code, severity: findingCatalog[code], message };
  if (place.path !== undefined) result.path = place.path;
  if (place.line !== undefined && Number.isInteger(place.line) && place.line > 0) result.line = place.line;
  return result;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings, then notes; stable within a severity. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
}

export const hasErrors = (findings: readonly Finding[]) => findings.some((f) => f.severity === "error");
