import { createHash, randomBytes } from "node:crypto";
import { getMultipartBoundary, MultipartParseError, parseMultipart } from "@remix-run/multipart-parser";
import type { PreparedStatement } from "./statements.ts";
import { type AttachmentPart, XapiError } from "./store.ts";

/** multipart/mixed statement requests and answers with attachments (xAPI 1.0.3 part 3, 1.5.2). */

const MAX_PART_BYTES = 64 * 1024 * 1024;
const HASHES: Record<number, string> = { 64: "sha256", 96: "sha384", 128: "sha512" };

export interface MultipartStatements {
  readonly body: unknown;
  readonly parts: Map<string, AttachmentPart>;
}

/** Splits a multipart/mixed request: the statements (first part, JSON) and attachments by their SHA-2. */
export function parseStatementMultipart(contentType: string, raw: Buffer): MultipartStatements {
  const boundary = getMultipartBoundary(contentType);
  if (!boundary) throw new XapiError(400, "multipart/mixed needs a boundary parameter in Content-Type");
  let body: unknown;
  const parts = new Map<string, AttachmentPart>();
  try {
    let index = 0;
    for (const part of parseMultipart(raw, { boundary, maxFileSize: MAX_PART_BYTES, maxParts: 1000 })) {
      const type = part.headers["content-type"] ?? "";
      const content = Buffer.from(part.bytes);
      if (index++ === 0) {
        if (!/^application\/json\b/i.test(type))
          throw new XapiError(400, "the first part must be the statements, as application/json");
        body = JSON.parse(content.toString("utf8"));
        continue;
      }
      const sha2 = (part.headers["x-experience-api-hash"] ?? "").trim().toLowerCase();
      const algorithm = HASHES[sha2.length];
      if (!algorithm || !/^[0-9a-f]+$/.test(sha2))
        throw new XapiError(400, `attachment part ${index - 1} has no valid X-Experience-API-Hash header`);
      if (createHash(algorithm).update(content).digest("hex") !== sha2)
        throw new XapiError(400, `attachment part ${index - 1}: its content does not hash to ${sha2}`);
      parts.set(sha2, { contentType: type || "application/octet-stream", content });
    }
  } catch (error) {
    if (error instanceof XapiError) throw error;
    if (error instanceof MultipartParseError || error instanceof SyntaxError)
      throw new XapiError(400, `the multipart body cannot be read: ${error.message}`);
    throw error;
  }
  if (body === undefined) throw new XapiError(400, "the multipart body has no statement part");
  return { body, parts };
}

/** Every attachment without a fileUrl has its part, and every part belongs to an attachment. */
export function checkAttachmentParts(
  batch: readonly PreparedStatement[],
  parts: ReadonlyMap<string, AttachmentPart>,
): void {
  const wanted = new Set<string>();
  for (const s of batch)
    for (const attachment of s.attachments)
      if (attachment.fileUrl === undefined) {
        const sha2 = attachment.sha2.toLowerCase();
        if (!parts.has(sha2))
          throw new XapiError(
            400,
            `statement ${s.id}: attachment ${sha2} has no fileUrl and no multipart/mixed part with that X-Experience-API-Hash`,
          );
        wanted.add(sha2);
      }
  for (const sha2 of parts.keys())
    if (!wanted.has(sha2)) throw new XapiError(400, `the part with hash ${sha2} belongs to no attachment`);
}

/** A multipart/mixed answer: the JSON first, then each attachment's raw bytes. */
export function multipartAnswer(
  json: unknown,
  attachments: readonly (AttachmentPart & { sha2: string })[],
): { contentType: string; body: Buffer } {
  const boundary = `xapi-${randomBytes(12).toString("hex")}`;
  const chunks: Buffer[] = [
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(json)}\r\n`),
  ];
  for (const a of attachments) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Type: ${a.contentType}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${a.sha2}\r\n\r\n`,
      ),
      a.content,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(chunks) };
}
