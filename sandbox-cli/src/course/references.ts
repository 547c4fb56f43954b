import { finding } from "./findings.ts";
import { resolveRef } from "./paths.ts";
import type { Finding } from "./profile.ts";

/** A file or URL named by a descriptor, page or playlist. */
export interface FileRef {
  ref: string;
  /** Folder the reference is relative to ("" = package root). */
  baseDir: string;
  /** The file that holds the reference. */
  from: string;
  line?: number | undefined;
  /** A launch target: missing is an error, not a warning. */
  launch: boolean;
}

export interface ExternalUrl {
  url: URL;
  path: string;
}

export interface CheckedRefs {
  findings: Finding[];
  externalUrls: ExternalUrl[];
}

/** javascript:, data:, file:, mailto:... (anything with a scheme other than http and https). */
const isOtherScheme = (ref: string) => /^\s*[a-z][a-z0-9+.-]*:/i.test(ref) && !/^\s*https?:/i.test(ref);

/** Checks every reference against the package's files: missing, wrong letter case, outside, external. */
export function checkReferences(refs: readonly FileRef[], files: ReadonlySet<string>): CheckedRefs {
  const findings: Finding[] = [];
  const externalUrls: ExternalUrl[] = [];
  const byLower = new Map<string, string>();
  const folders = new Set<string>([""]);
  for (const file of files) {
    byLower.set(file.toLowerCase(), file);
    for (let cut = file.lastIndexOf("/"); cut > 0; cut = file.lastIndexOf("/", cut - 1))
      folders.add(file.slice(0, cut));
  }
  const reported = new Set<string>();
  const missing = new Map<string, FileRef[]>();
  for (const item of refs) {
    const resolved = resolveRef(item.baseDir, item.ref);
    const place = { path: item.from, line: item.line };
    if (resolved.kind === "external") {
      externalUrls.push({ url: resolved.url, path: item.from });
      continue;
    }
    if (item.launch && (resolved.kind === "outside" || isOtherScheme(item.ref))) {
      findings.push(
        finding(
          "UNSAFE_LAUNCH",
          `${item.from} launches "${item.ref}", which is neither a file inside the package nor an http(s) URL; a launch must be one of those`,
          place,
        ),
      );
      continue;
    }
    if (resolved.kind === "ignored") continue;
    const key = `${item.from}\0${resolved.kind === "local" ? resolved.path : item.ref}`;
    if (reported.has(key)) continue;
    reported.add(key);
    if (resolved.kind === "outside") {
      findings.push(
        finding(
          "REF_OUTSIDE_PACKAGE",
          `${item.from} refers to "${item.ref}", which lies outside the package`,
          place,
        ),
      );
      continue;
    }
    if (files.has(resolved.path) || folders.has(resolved.path)) continue;
    const caseTwin = byLower.get(resolved.path.toLowerCase());
    if (caseTwin !== undefined) {
      findings.push(
        finding(
          "CASE_MISMATCH",
          `${item.from} refers to "${resolved.path}" but the package has "${caseTwin}"; it works on Windows servers and fails (404) on Linux ones`,
          place,
        ),
      );
    } else if (item.launch) {
      findings.push(
        finding(
          "MISSING_LAUNCH_FILE",
          `${item.from} launches "${resolved.path}", which is not in the package`,
          place,
        ),
      );
    } else {
      const referrers = missing.get(resolved.path) ?? [];
      referrers.push(item);
      missing.set(resolved.path, referrers);
    }
  }
  for (const [path, referrers] of missing) {
    const first = referrers[0] as FileRef;
    const others = referrers.length > 1 ? ` (and ${referrers.length - 1} other file(s))` : "";
    findings.push(
      finding("MISSING_FILE", `${first.from}${others} refers to "${path}", which is not in the package`, {
        path: first.from,
        line: first.line,
      }),
    );
  }
  return { findings, externalUrls };
}
