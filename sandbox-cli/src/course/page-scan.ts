import { StringDecoder } from "node:string_decoder";
import { dirOf } from "./paths.ts";
import type { ObsoleteTechnology } from "./profile.ts";
import type { FileRef } from "./references.ts";

export type PageKind = "html" | "css" | "js";

/** Longest reference kept; a match never spans more than OVERLAP characters, so chunk seams lose nothing. */
const MAX_REF = 1000;
const OVERLAP = 2048;
const MAX_REFS_PER_PAGE = 2000;

const htmlAttribute = new RegExp(
  `\\b(?:src|href|data|poster|action|background|codebase|archive)\\s*=\\s*(?:"([^"<>]{1,${MAX_REF}})"|'([^'<>]{1,${MAX_REF}})'|([^\\s"'<>=\`]{1,${MAX_REF}}))`,
  "gi",
);
const cssUrl = new RegExp(
  `(?:url\\(\\s*["']?([^"')\\s]{1,${MAX_REF}})|@import\\s+["']([^"']{1,${MAX_REF}})["'])`,
  "gi",
);
/** Absolute URLs in string literals (JavaScript, inline scripts): comments and prose rarely quote them. */
const quotedUrl = new RegExp(`["'\`]((?:https?:)?//[A-Za-z0-9.-]+[^"'\`\\s]{0,${MAX_REF}})["'\`]`, "g");
const obsoleteMarkers: { pattern: RegExp; kind: ObsoleteTechnology["kind"] }[] = [
  { pattern: /<applet\b/i, kind: "java-applet" },
  { pattern: /application\/x-java-applet|\.jar["'\s?]/i, kind: "java-applet" },
  { pattern: /application\/x-shockwave-flash|clsid:d27cdb6e|\.swf["'\s?]/i, kind: "flash" },
  { pattern: /application\/x-silverlight|\.xap["'\s?]/i, kind: "silverlight" },
  { pattern: /application\/x-director|\.dcr["'\s?]/i, kind: "shockwave" },
];

export interface PageScanResult {
  refs: FileRef[];
  obsolete: ObsoleteTechnology["kind"][];
  truncated: boolean;
}

/**
 * Scans a page, style sheet or script chunk by chunk for the files and hosts it references and
 * for obsolete plug-in technology. Memory stays bounded: a carried tail and at most a few
 * thousand references per file; `maxBytes` bounds the work.
 */
export class PageScanner {
  private readonly decoder = new StringDecoder("utf8");
  private readonly refs: FileRef[] = [];
  private readonly seen = new Set<string>();
  private readonly obsolete = new Set<ObsoleteTechnology["kind"]>();
  private carry = "";
  private scanned = 0;
  private lineBase = 1;
  private truncated = false;

  constructor(
    private readonly path: string,
    private readonly kind: PageKind,
    private readonly maxBytes: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.scanned >= this.maxBytes) {
      this.truncated = true;
      return;
    }
    this.scanned += chunk.length;
    this.scan(this.carry + this.decoder.write(chunk), false);
  }

  finish(): PageScanResult {
    this.scan(this.carry + this.decoder.end(), true);
    return { refs: this.refs, obsolete: [...this.obsolete], truncated: this.truncated };
  }

  private scan(text: string, final: boolean): void {
    const safeEnd = final ? text.length : Math.max(0, text.length - OVERLAP);
    let consumed = safeEnd;
    const patterns =
      this.kind === "html"
        ? [htmlAttribute, cssUrl, quotedUrl]
        : this.kind === "css"
          ? [cssUrl]
          : [quotedUrl];
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match && match.index < safeEnd; match = pattern.exec(text)) {
        const value = match.slice(1).find((group) => group !== undefined) ?? "";
        consumed = Math.max(consumed, match.index + match[0].length);
        this.record(value, this.lineBase + countLines(text, match.index), pattern === quotedUrl);
      }
    }
    if (this.kind !== "css")
      for (const marker of obsoleteMarkers) if (marker.pattern.test(text)) this.obsolete.add(marker.kind);
    this.lineBase += countLines(text, consumed);
    this.carry = text.slice(consumed);
  }

  private record(value: string, line: number, absoluteOnly: boolean): void {
    if (this.refs.length >= MAX_REFS_PER_PAGE) {
      this.truncated = true;
      return;
    }
    const ref = value.trim();
    // template placeholders and string concatenation are not references one can check
    if (!ref || /[{}$+<>\\'"()]|^\s*(?:javascript|data|mailto|tel|about):/i.test(ref)) return;
    if (absoluteOnly && !/^(?:https?:)?\/\//i.test(ref)) return;
    if (this.seen.has(ref)) return;
    this.seen.add(ref);
    this.refs.push({ ref, baseDir: dirOf(this.path), from: this.path, line, launch: false });
  }
}

function countLines(text: string, end: number): number {
  let lines = 0;
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) lines++;
  return lines;
}

export function pageKindOf(extension: string): PageKind | undefined {
  if (["html", "htm", "xhtml", "shtml"].includes(extension)) return "html";
  if (extension === "css") return "css";
  if (["js", "mjs"].includes(extension)) return "js";
  return undefined;
}
