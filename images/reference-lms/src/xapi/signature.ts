import { compactVerify, decodeProtectedHeader, importX509 } from "jose";
import { comparable, type PreparedStatement, SIGNATURE_USAGE } from "./statements.ts";
import { type AttachmentPart, XapiError } from "./store.ts";

/**
 * Signed statements (xAPI 1.0.3 part 2, 2.6): the signature attachment is a compact JWS (RS256,
 * RS384 or RS512) whose payload is the statement as signed. With an `x5c` header the signature
 * is verified against the certificate's key; without one, only its form and payload can be checked.
 */

const ALGORITHMS = new Set(["RS256", "RS384", "RS512"]);

const pemOf = (derBase64: string) =>
  `-----BEGIN CERTIFICATE-----\n${derBase64.match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE-----`;

async function payloadOf(jws: string): Promise<unknown> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw new XapiError(400, "the signature attachment is not a compact JWS");
  }
  if (!header.alg || !ALGORITHMS.has(header.alg))
    throw new XapiError(
      400,
      `the signature uses ${header.alg ?? "no algorithm"}: xAPI allows RS256, RS384, RS512`,
    );
  let payload: Uint8Array;
  if (header.x5c?.[0]) {
    try {
      const key = await importX509(pemOf(header.x5c[0]), header.alg);
      payload = (await compactVerify(jws, key)).payload;
    } catch (error) {
      throw new XapiError(400, `the statement's signature does not verify: ${(error as Error).message}`);
    }
  } else {
    const segments = jws.split(".");
    if (segments.length !== 3 || !segments[2])
      throw new XapiError(400, "the signature attachment is not a compact JWS");
    payload = Buffer.from(segments[1] ?? "", "base64url");
  }
  try {
    return JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    throw new XapiError(400, "the JWS payload is not a JSON statement");
  }
}

export async function verifySignatures(
  batch: readonly PreparedStatement[],
  parts: ReadonlyMap<string, AttachmentPart>,
): Promise<void> {
  for (const s of batch) {
    for (const attachment of s.attachments.filter((a) => a.usageType === SIGNATURE_USAGE)) {
      const part = parts.get(attachment.sha2.toLowerCase());
      if (!part) throw new XapiError(400, `statement ${s.id}: the signature must be sent as a part`);
      const payload = await payloadOf(part.content.toString("utf8").trim());
      if (!payload || typeof payload !== "object")
        throw new XapiError(400, "the JWS payload is not a JSON statement");
      const signed = payload as Record<string, unknown>;
      const { id: _id, ...withoutId } = s.statement;
      const original = signed.id === undefined ? withoutId : s.statement;
      if (comparable(signed) !== comparable(original))
        throw new XapiError(400, `statement ${s.id}: the JWS payload is not the statement that was signed`);
    }
  }
}
