import type { AiccPart } from "./descriptors/aicc.ts";
import { finding } from "./findings.ts";
import { extensionOf } from "./paths.ts";
import type { Finding } from "./profile.ts";

export type DescriptorChoice =
  | { kind: "scorm" | "cmi5" | "xapi"; path: string }
  | { kind: "aicc"; parts: Partial<Record<AiccPart, string>> }
  | { kind: "none" };

const rootDescriptors = [
  { kind: "scorm", name: "imsmanifest.xml", label: "imsmanifest.xml (SCORM)" },
  { kind: "cmi5", name: "cmi5.xml", label: "cmi5.xml (cmi5)" },
  { kind: "xapi", name: "tincan.xml", label: "tincan.xml (xAPI)" },
] as const;

/**
 * Picks the descriptor from the package's file list alone (before any byte is read).
 * Priority when several sit at the root: imsmanifest.xml, cmi5.xml, tincan.xml, AICC .crs.
 */
export function detectDescriptor(paths: readonly string[]): {
  choice: DescriptorChoice;
  findings: Finding[];
} {
  const findings: Finding[] = [];
  const rootFiles = paths.filter((path) => !path.includes("/"));
  const found: { choice: DescriptorChoice; label: string }[] = [];
  for (const candidate of rootDescriptors) {
    const exact = rootFiles.find((path) => path === candidate.name);
    const loose = exact ?? rootFiles.find((path) => path.toLowerCase() === candidate.name);
    if (!loose) continue;
    if (!exact)
      findings.push(
        finding(
          "DESCRIPTOR_NAME_CASE",
          `the descriptor is named "${loose}"; LMSs look for "${candidate.name}" exactly and may not find it`,
          { path: loose },
        ),
      );
    found.push({ choice: { kind: candidate.kind, path: loose }, label: candidate.label });
  }
  const aicc = aiccParts(rootFiles);
  if (aicc.crs) found.push({ choice: { kind: "aicc", parts: aicc }, label: `${aicc.crs} (AICC)` });
  const first = found[0];
  if (first) {
    if (found.length > 1)
      findings.push(
        finding(
          "MULTIPLE_DESCRIPTORS",
          `the package has several descriptors (${found.map((item) => item.label).join(", ")}); ${first.label} is used`,
        ),
      );
    return { choice: first.choice, findings };
  }
  const nested = paths.find(
    (path) => /(^|\/)(imsmanifest\.xml|cmi5\.xml|tincan\.xml)$/i.test(path) || extensionOf(path) === "crs",
  );
  if (nested) {
    const folder = nested.slice(0, nested.lastIndexOf("/"));
    findings.push(
      finding(
        "MANIFEST_NOT_AT_ROOT",
        `the descriptor "${nested}" is inside the folder "${folder}" instead of at the zip root; zip the contents of "${folder}", not the folder itself`,
        { path: nested },
      ),
    );
  } else {
    findings.push(
      finding(
        "UNKNOWN_FORMAT",
        "no imsmanifest.xml, cmi5.xml, tincan.xml or AICC .crs file at the package root: this is not a SCORM, cmi5, xAPI or AICC package",
      ),
    );
  }
  return { choice: { kind: "none" }, findings };
}

/** The AICC files at the root, by extension (any letter case); the .crs's base name wins ties. */
function aiccParts(rootFiles: readonly string[]): Partial<Record<AiccPart, string>> {
  const parts: Partial<Record<AiccPart, string>> = {};
  const crs = rootFiles.filter((path) => extensionOf(path) === "crs").sort()[0];
  if (!crs) return parts;
  parts.crs = crs;
  const stem = crs.slice(0, crs.lastIndexOf(".")).toLowerCase();
  for (const part of ["au", "des", "cst"] as const) {
    const candidates = rootFiles.filter((path) => extensionOf(path) === part).sort();
    const sameStem = candidates.find((path) => path.slice(0, path.lastIndexOf(".")).toLowerCase() === stem);
    const chosen = sameStem ?? candidates[0];
    if (chosen) parts[part] = chosen;
  }
  return parts;
}
