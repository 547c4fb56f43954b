import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Agent } from "./agents.ts";
import type { Db } from "./db.ts";
import { sessionUser } from "./sessions.ts";
import type { Scope } from "./xapi/scopes.ts";

const TOKEN_TTL_HOURS = 24;
export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

const LEARNER_SCOPES: Scope[] = ["statements/write", "statements/read/mine", "state", "profile"];

/** Client credential keys carry a '.', which no launch token id (base64url) has. */
export const CLIENT_KEY_PREFIX = "lrs.";

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
  /** the learner or admin behind a launch token or session; null for a client credential. */
  readonly userId: string | null;
  readonly clientKey: string | null;
  readonly scopes: ReadonlySet<Scope>;
  /** who vouches for the statements this principal stores (the statement's `authority`). */
  authority(origin: string): Agent;
}

export const lmsAuthority = (origin: string): Agent => ({
  objectType: "Agent",
  name: "reference-lms",
  account: { homePage: origin, name: "reference-lms" },
});

const secretMatches = (storedSha256: string, secret: string) =>
  timingSafeEqual(Buffer.from(storedSha256, "hex"), Buffer.from(sha256(secret), "hex"));

async function basicPrincipal(db: Db, id: string, secret: string): Promise<XapiPrincipal | null> {
  if (id.startsWith(CLIENT_KEY_PREFIX)) {
    const { rows } = await db.query<{ secret_sha256: string; name: string; scopes: Scope[] }>(
      "SELECT secret_sha256, name, scopes FROM xapi_clients WHERE key = $1",
      [id],
    );
    const row = rows[0];
    if (!row || !secretMatches(row.secret_sha256, secret)) return null;
    return {
      userId: null,
      clientKey: id,
      scopes: new Set(row.scopes),
      authority: (origin) => ({
        objectType: "Agent",
        name: row.name,
        account: { homePage: origin, name: id },
      }),
    };
  }
  const { rows } = await db.query<{ user_id: string; secret_sha256: string }>(
    "SELECT user_id::text AS user_id, secret_sha256 FROM xapi_tokens WHERE id = $1 AND expires_at > now()",
    [id],
  );
  const row = rows[0];
  if (!row || !secretMatches(row.secret_sha256, secret)) return null;
  return { userId: row.user_id, clientKey: null, scopes: new Set(LEARNER_SCOPES), authority: lmsAuthority };
}

/** Basic credentials (launch token, cmi5 fetch token, client credential), or a session cookie. */
export async function xapiPrincipal(db: Db, request: FastifyRequest): Promise<XapiPrincipal | null> {
  const header = request.headers.authorization;
  if (header?.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) return null;
    return basicPrincipal(db, decoded.slice(0, colon), decoded.slice(colon + 1));
  }
  const user = await sessionUser(db, request);
  if (!user) return null;
  return {
    userId: user.id,
    clientKey: null,
    scopes: new Set(user.role === "admin" ? (["all"] as Scope[]) : LEARNER_SCOPES),
    authority: (origin) => ({
      objectType: "Agent",
      name: user.username,
      account: { homePage: origin, name: user.username },
    }),
  };
}

/** Whether a principal may read every statement (else only its own). */
export const readsAll = (p: XapiPrincipal) =>
  p.scopes.has("all") || p.scopes.has("all/read") || p.scopes.has("statements/read");

/** The scope check of one request: which scopes allow this method on this resource. */
export function allowed(
  p: XapiPrincipal,
  resource: "statements" | "state" | "profile" | "read",
  write: boolean,
) {
  if (p.scopes.has("all")) return true;
  if (!write && p.scopes.has("all/read")) return true;
  if (resource === "read") return p.scopes.size > 0;
  if (resource === "statements")
    return write ? p.scopes.has("statements/write") : readsAll(p) || p.scopes.has("statements/read/mine");
  return p.scopes.has(resource);
}
