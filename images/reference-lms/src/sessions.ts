import { createHash, randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "./db.ts";

export const SESSION_COOKIE = "lms_session";

export interface SessionUser {
  readonly id: string;
  readonly username: string;
  readonly role: "admin" | "learner";
}

declare module "fastify" {
  interface FastifyRequest {
    sessionUser?: SessionUser | null;
  }
}

// Only a hash of the token is stored, so a database dump does not hand out live sessions.
const tokenId = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(db: Db, userId: string, ttlMs: number): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.query(
    "INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')",
    [tokenId(token), userId, ttlMs],
  );
  return token;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.query("DELETE FROM sessions WHERE id = $1", [tokenId(token)]);
}

/** The logged-in user of this request (cookie), looked up once per request. */
export async function sessionUser(db: Db, request: FastifyRequest): Promise<SessionUser | null> {
  if (request.sessionUser !== undefined) return request.sessionUser;
  const token = request.cookies[SESSION_COOKIE];
  let user: SessionUser | null = null;
  if (token) {
    const { rows } = await db.query<SessionUser>(
      `SELECT u.id::text AS id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.id = $1 AND s.expires_at > now()`,
      [tokenId(token)],
    );
    user = rows[0] ?? null;
  }
  request.sessionUser = user;
  return user;
}

export function setSessionCookie(reply: FastifyReply, token: string, ttlMs: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: Math.floor(ttlMs / 1000),
  });
}

/** preHandler factories: 401 (JSON) or a redirect to /login (pages) when nobody is logged in. */
export function requireUser(db: Db, options: { role?: "admin"; page?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await sessionUser(db, request);
    if (!user) {
      if (options.page) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return reply.code(401).send({ error: "NOT_LOGGED_IN", message: "log in first: POST /api/login" });
    }
    if (options.role === "admin" && user.role !== "admin") {
      return reply.code(403).send({ error: "ADMIN_ONLY", message: "this needs an admin account" });
    }
  };
}

/** The user of a request that passed `requireUser`. */
export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.sessionUser) throw new Error("currentUser called on a route without requireUser");
  return request.sessionUser;
}
