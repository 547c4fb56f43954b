import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../context.ts";
import { hashPassword } from "../passwords.ts";
import { requireUser } from "../sessions.ts";

const Username = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, "1-64 letters, digits or . _ @ -");
const NewUser = z.object({
  username: Username,
  password: z.string().min(8).max(1024),
  role: z.enum(["admin", "learner"]).default("learner"),
});
const Learners = z.object({
  prefix: z.string().regex(/^[A-Za-z0-9._@-]{1,48}$/, "1-48 letters, digits or . _ @ -"),
  count: z.number().int().min(1).max(100_000),
  password: z.string().min(8).max(1024),
  start: z.number().int().min(0).max(10_000_000).default(1),
});

const problem = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");

/** Upserts a user; an existing user gets the new password and role. */
export async function upsertUser(
  ctx: AppContext,
  username: string,
  password: string,
  role: "admin" | "learner",
) {
  const { rows } = await ctx.db.query<{ id: string; created: boolean }>(
    `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3)
     ON CONFLICT (username) DO UPDATE SET password_hash = $2, role = $3
     RETURNING id::text AS id, (xmax = 0) AS created`,
    [username, await hashPassword(password), role],
  );
  return rows[0];
}

export function adminRoutes(app: FastifyInstance, ctx: AppContext): void {
  const admin = { preHandler: requireUser(ctx.db, { role: "admin" }) };

  app.post("/api/admin/users", admin, async (request, reply) => {
    const parsed = NewUser.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send({ error: "BAD_USER", message: problem(parsed.error) });
    const { username, password, role } = parsed.data;
    const row = await upsertUser(ctx, username, password, role);
    return reply
      .code(row?.created ? 201 : 200)
      .send({ user: { id: row?.id, username, role }, created: row?.created });
  });

  // Bulk provisioning for load tests: learners <prefix><start>..<prefix><start+count-1>, one password.
  // They share one scrypt hash (one salt): hashing 10 000 passwords one by one would take minutes.
  app.post("/api/admin/learners", admin, async (request, reply) => {
    const parsed = Learners.safeParse(request.body);
    if (!parsed.success)
      return reply.code(400).send({ error: "BAD_LEARNERS", message: problem(parsed.error) });
    const { prefix, count, password, start } = parsed.data;
    const hash = await hashPassword(password);
    const usernames = Array.from({ length: count }, (_, i) => `${prefix}${start + i}`);
    let created = 0;
    for (let offset = 0; offset < usernames.length; offset += 1000) {
      const batch = usernames.slice(offset, offset + 1000);
      const { rows } = await ctx.db.query<{ created: boolean }>(
        `INSERT INTO users (username, password_hash, role) SELECT u, $2, 'learner' FROM unnest($1::text[]) AS u
         ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash WHERE users.role = 'learner'
         RETURNING (xmax = 0) AS created`,
        [batch, hash],
      );
      created += rows.filter((row) => row.created).length;
    }
    return reply.code(201).send({
      created,
      updated: count - created,
      first: usernames[0],
      last: usernames[usernames.length - 1],
    });
  });

  app.get("/api/admin/runs/:runId", admin, async (request) => {
    const { runId } = request.params as { runId: string };
    const [commits, statements] = await Promise.all([
      ctx.db.query<{ kind: string; n: string }>(
        "SELECT kind, count(*) AS n FROM commits WHERE load_run = $1 GROUP BY kind",
        [runId],
      ),
      ctx.db.query<{ n: string }>("SELECT count(*) AS n FROM statements WHERE load_run = $1", [runId]),
    ]);
    const byKind = Object.fromEntries(commits.rows.map((row) => [row.kind, Number(row.n)]));
    return {
      runId,
      commits: Object.values(byKind).reduce((sum, n) => sum + n, 0),
      commitsByKind: byKind,
      statements: Number(statements.rows[0]?.n ?? 0),
    };
  });
}
