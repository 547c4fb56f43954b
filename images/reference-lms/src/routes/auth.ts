import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { loginPage } from "../pages.ts";
import { verifyPassword } from "../passwords.ts";
import { createSession, deleteSession, SESSION_COOKIE, sessionUser, setSessionCookie } from "../sessions.ts";

const Credentials = z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(1024) });

// Verifying against a dummy hash when the user does not exist keeps response times alike.
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

async function checkCredentials(ctx: AppContext, username: string, password: string) {
  const { rows } = await ctx.db.query<{
    id: string;
    username: string;
    role: "admin" | "learner";
    password_hash: string;
  }>("SELECT id::text AS id, username, role, password_hash FROM users WHERE username = $1", [username]);
  const row = rows[0];
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  return ok && row ? { id: row.id, username: row.username, role: row.role } : undefined;
}

const safeNext = (next: unknown) => (typeof next === "string" && /^\/(?!\/)/.test(next) ? next : "/");

export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/login", async (request, reply) => {
    const query = request.query as { next?: string; failed?: string };
    return reply.type("text/html").send(loginPage(safeNext(query.next), query.failed === "1"));
  });

  app.post("/login", async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const parsed = Credentials.safeParse(body);
    const user = parsed.success
      ? await checkCredentials(ctx, parsed.data.username, parsed.data.password)
      : undefined;
    if (!user) return reply.redirect(`/login?failed=1&next=${encodeURIComponent(next)}`, 303);
    setSessionCookie(reply, await createSession(ctx.db, user.id, ctx.config.sessionMs), ctx.config.sessionMs);
    return reply.redirect(next, 303);
  });

  app.post("/api/login", async (request, reply) => {
    const parsed = Credentials.safeParse(request.body);
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ error: "BAD_LOGIN_BODY", message: 'send JSON {"username": "...", "password": "..."}' });
    }
    const user = await checkCredentials(ctx, parsed.data.username, parsed.data.password);
    if (!user)
      return reply.code(401).send({ error: "BAD_CREDENTIALS", message: "wrong username or password" });
    setSessionCookie(reply, await createSession(ctx.db, user.id, ctx.config.sessionMs), ctx.config.sessionMs);
    return { user };
  });

  const logout = async (token: string | undefined) => {
    if (token) await deleteSession(ctx.db, token);
  };
  app.post("/api/logout", async (request, reply) => {
    await logout(request.cookies[SESSION_COOKIE]);
    return reply.clearCookie(SESSION_COOKIE, { path: "/" }).code(204).send();
  });
  app.post("/logout", async (request, reply) => {
    await logout(request.cookies[SESSION_COOKIE]);
    return reply.clearCookie(SESSION_COOKIE, { path: "/" }).redirect("/login", 303);
  });

  app.get("/api/me", async (request, reply) => {
    const user = await sessionUser(ctx.db, request);
    if (!user)
      return reply.code(401).send({ error: "NOT_LOGGED_IN", message: "log in first: POST /api/login" });
    return { user };
  });
}
