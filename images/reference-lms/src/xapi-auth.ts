import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Db } from "./db.ts";
import { sessionUser } from "./sessions.ts";

const TOKEN_TTL_HOURS = 24;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Creates xAPI credentials for one attempt; returns the value of an `Authorization` header. */
export async function createXapiToken(db: Db, userId: string, attemptId: string): Promise<string> {
  const id = randomBytes(12).toString("base64url");
  const secret = randomBytes(24).toString("base64url");
  await db.query(
    `INSERT INTO xapi_tokens (id, secret_sha256, user_id, attempt_id, expires_at)
     VALUES ($1, $2, $3, $4, now() + $5 * interval '1 hour')`,
    [id, sha256(secret), userId, attemptId, TOKEN_TTL_HOURS],
  );
  return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

export interface XapiPrincipal {
  readonly userId: string;
  readonly admin: boolean;
}

/** Basic credentials from a launch (Tin Can `auth`, cmi5 fetch token), or an admin's session cookie. */
export async function xapiPrincipal(db: Db, request: FastifyRequest): Promise<XapiPrincipal | null> {
  const header = request.headers.authorization;
  if (header?.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) return null;
    const id = decoded.slice(0, colon);
    const secret = decoded.slice(colon + 1);
    const { rows } = await db.query<{ user_id: string; secret_sha256: string }>(
      "SELECT user_id::text AS user_id, secret_sha256 FROM xapi_tokens WHERE id = $1 AND expires_at > now()",
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    const expected = Buffer.from(row.secret_sha256, "hex");
    const actual = Buffer.from(sha256(secret), "hex");
    return timingSafeEqual(expected, actual) ? { userId: row.user_id, admin: false } : null;
  }
  const user = await sessionUser(db, request);
  return user ? { userId: user.id, admin: user.role === "admin" } : null;
}
