import { posix } from "node:path";
import { type FindingCode, finding } from "./findings.ts";
import type { Finding } from "./profile.ts";

export type NameCheck = { ok: true; path: string } | { ok: false; finding: Finding };

/**
 * Checks one entry name from a zip or a directory walk. Unsafe names are refused (never renamed):
 * absolute paths, drive letters, `..` segments, backslashes, NUL and control characters.
 */
export function checkEntryName(name: string): NameCheck {
  const refuse = (code: FindingCode, why: string): NameCheck => ({
    ok: false,
    finding: finding(code, `entry ${JSON.stringify(name)} ${why}; it was not read`, { path: name }),
  });
  if (name.length === 0) return refuse("UNSAFE_PATH", "has an empty name");
  if (name.includes("\\"))
    return refuse("BACKSLASH_PATH", "uses backslash separators (zip names must use '/')");
  if ([...name].some((char) => char.charCodeAt(0) < 0x20))
    return refuse("UNSAFE_PATH", "contains control characters");
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return refuse("UNSAFE_PATH", "is an absolute path");
  const segments = name.split("/");
  if (segments.includes("..")) return refuse("UNSAFE_PATH", "climbs out of the package with '..'");
  const cleaned = segments.filter((segment) => segment !== "" && segment !== ".").join("/");
  if (cleaned.length === 0) return refuse("UNSAFE_PATH", "names no file");
  return { ok: true, path: name.endsWith("/") ? `${cleaned}/` : cleaned };
}

/**
 * Remembers `path` in `seenLower` (lower-cased path -> first spelling); a later path differing only in
 * letter case is a CASE_COLLISION finding.
 */
export function caseCollision(path: string, seenLower: Map<string, string>): Finding | undefined {
  const lower = path.toLowerCase();
  const twin = seenLower.get(lower);
  if (twin === undefined) {
    seenLower.set(lower, path);
    return undefined;
  }
  return finding(
    "CASE_COLLISION",
    `"${path}" and "${twin}" differ only in letter case; they overwrite each other on Windows and macOS`,
    { path },
  );
}

export type RefResolution =
  | { kind: "local"; path: string }
  | { kind: "external"; url: URL }
  | { kind: "outside" }
  | { kind: "ignored" };

/**
 * Resolves a reference written in a descriptor or page (`href`, `src`, launch url) against the
 * folder of the file holding it. Query and fragment are dropped; percent-escapes are decoded.
 */
export function resolveRef(baseDir: string, ref: string): RefResolution {
  const trimmed = ref.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return { kind: "ignored" };
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) {
    if (!/^https?:/i.test(trimmed)) return { kind: "ignored" }; // data:, javascript:, mailto:...
    try {
      return { kind: "external", url: new URL(trimmed) };
    } catch {
      return { kind: "ignored" };
    }
  }
  if (trimmed.startsWith("//")) {
    try {
      return { kind: "external", url: new URL(`https:${trimmed}`) };
    } catch {
      return { kind: "ignored" };
    }
  }
  const withoutQuery = trimmed.replace(/[?#].*$/s, "");
  if (withoutQuery === "") return { kind: "ignored" };
  let decoded = withoutQuery;
  try {
    decoded = decodeURIComponent(withoutQuery);
  } catch {
    // keep the raw text: a stray '%' is more likely part of a name than an escape
  }
  const joined = decoded.startsWith("/") ? decoded : posix.join(baseDir || ".", decoded);
  const normalized = posix.normalize(joined);
  if (normalized.startsWith("/") || normalized === ".." || normalized.startsWith("../"))
    return { kind: "outside" };
  const path = normalized.replace(/\/$/, "");
  return { kind: "local", path: path === "." ? "" : path };
}

/** Folder of a package path ("" for the root). */
export const dirOf = (path: string) => {
  const dir = posix.dirname(path);
  return dir === "." ? "" : dir;
};

export const extensionOf = (path: string) => {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
};

// A web origin, so that "//host/x" stays a URL on another host and "file:..." keeps its own scheme.
const PACKAGE_ORIGIN = "https://package.invalid";
const PACKAGE_ROOT = `${PACKAGE_ORIGIN}/package/`;

/**
 * Applies a chain of references the way a browser would (xml:base values, then an href), relative
 * to the package root. Returns a package-relative reference (query kept), an absolute URL, or a
 * reference starting with "../" when the chain climbs out of the package (absolute paths included).
 */
export function combineRefs(parts: readonly string[]): string {
  let current = new URL(PACKAGE_ROOT);
  for (const part of parts) {
    const trimmed = part.trim();
    if (trimmed === "") continue;
    try {
      current = new URL(trimmed, current);
    } catch {
      return trimmed;
    }
  }
  const href = current.href;
  if (href.startsWith(PACKAGE_ROOT)) return href.slice(PACKAGE_ROOT.length);
  if (current.origin === PACKAGE_ORIGIN) return `../${href.slice(PACKAGE_ORIGIN.length + 1)}`;
  return href;
}
