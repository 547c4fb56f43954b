import { DOMParser, type Document, type Element, type Node } from "@xmldom/xmldom";
import { finding } from "./findings.ts";
import type { Finding } from "./profile.ts";

export interface DecodedText {
  text: string;
  bom: boolean;
  /** UTF-16 recognised from its first character ("<" with a NUL byte) though it has no byte-order mark. */
  utf16WithoutBom?: "utf-16le" | "utf-16be";
}

/** Decodes descriptor bytes: byte-order marks (UTF-8, UTF-16), then the XML declaration's encoding, else UTF-8. */
export function decodeText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), bom: true };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), bom: true };
  const utf16 =
    bytes[0] === 0x3c && bytes[1] === 0x00
      ? "utf-16le"
      : bytes[0] === 0x00 && bytes[1] === 0x3c
        ? "utf-16be"
        : undefined;
  if (utf16) return { text: new TextDecoder(utf16).decode(bytes), bom: false, utf16WithoutBom: utf16 };
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const declared = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) {
    try {
      return { text: new TextDecoder(declared).decode(bytes), bom: false };
    } catch {
      // unknown label: fall through to UTF-8, which BAD_XML will flag if it is wrong
    }
  }
  return { text: new TextDecoder("utf-8").decode(bytes), bom: false };
}

export interface ParsedXml {
  document?: Document;
  findings: Finding[];
}

/**
 * Parses XML namespace-aware. A DTD is reported and ignored: xmldom neither fetches external
 * subsets nor expands declared entities (an undeclared reference stays literal text).
 */
export function parseXml(bytes: Uint8Array, path: string): ParsedXml {
  const findings: Finding[] = [];
  const { text, bom, utf16WithoutBom } = decodeText(bytes);
  if (bom) findings.push(finding("XML_BOM", `${path} starts with a byte-order mark (accepted)`, { path }));
  if (utf16WithoutBom)
    findings.push(
      finding(
        "XML_ENCODING",
        `${path} is ${utf16WithoutBom.toUpperCase()} without a byte-order mark; XML in UTF-16 must start with one, and LMSs read it as garbage: save it as UTF-8 (or UTF-16 with a BOM)`,
        { path },
      ),
    );
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype)
    findings.push(
      finding(
        "XML_DTD",
        `${path} declares a DTD${/<!ENTITY/i.test(text) ? " with entities" : ""}; it was ignored (never fetched, entities never expanded)`,
        { path, line: lineAt(text, doctype.index) },
      ),
    );
  let firstError: { message: string; line?: number } | undefined;
  try {
    const document = new DOMParser({
      onError: (level, message, context) => {
        if (level === "warning" || firstError) return;
        const locator = (context as { locator?: { lineNumber?: number } } | undefined)?.locator;
        firstError = { message: cleanMessage(message), line: locator?.lineNumber };
      },
    }).parseFromString(text, "text/xml");
    if (firstError && !/entity not found/.test(firstError.message))
      findings.push(badXml(path, firstError.message, firstError.line));
    if (!document.documentElement) {
      findings.push(badXml(path, "no root element"));
      return { findings };
    }
    return { document, findings };
  } catch (error) {
    const parseError = error as { message?: string; locator?: { lineNumber?: number } };
    findings.push(
      badXml(
        path,
        cleanMessage(firstError?.message ?? parseError.message ?? String(error)),
        firstError?.line ?? parseError.locator?.lineNumber,
      ),
    );
    return { findings };
  }
}

const badXml = (path: string, why: string, line?: number) =>
  finding("BAD_XML", `${path} is not well-formed XML: ${why}`, { path, line });

const cleanMessage = (message: string) =>
  message.replace(/\s*\n[\s\S]*$/, "").replace(/^\[xmldom \w+\]\s*/, "");

export const lineAt = (text: string, index: number) => {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

/** Child elements with the given local name, any namespace (descriptors in the wild mix them up). */
export function children(parent: Element, localName: string): Element[] {
  const found: Element[] = [];
  for (let node: Node | null = parent.firstChild; node; node = node.nextSibling)
    if (node.nodeType === 1 && (node as Element).localName === localName) found.push(node as Element);
  return found;
}

export const child = (parent: Element, localName: string): Element | undefined =>
  children(parent, localName)[0];

/** All descendant elements with the given local name, document order. */
export function descendants(parent: Element, localName: string): Element[] {
  const found: Element[] = [];
  const visit = (element: Element) => {
    for (let node: Node | null = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType !== 1) continue;
      if ((node as Element).localName === localName) found.push(node as Element);
      visit(node as Element);
    }
  };
  visit(parent);
  return found;
}

export const textOf = (element: Element | undefined) =>
  (element?.textContent ?? "").replace(/\s+/g, " ").trim();

/** An attribute by local name in no namespace, or in any namespace when `anyNamespace` is set. */
export function attr(element: Element, localName: string, anyNamespace = false): string | undefined {
  if (element.hasAttribute(localName)) return element.getAttribute(localName) ?? undefined;
  if (!anyNamespace) return undefined;
  for (let i = 0; i < element.attributes.length; i++) {
    const attribute = element.attributes.item(i);
    if (attribute && (attribute.localName ?? attribute.name) === localName) return attribute.value;
  }
  return undefined;
}

export const lineOf = (node: Node) => (node as unknown as { lineNumber?: number }).lineNumber;
