import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { type AppContext, originOf } from "../context.ts";
import { currentUser, requireUser } from "../sessions.ts";
import { SCOPES } from "../xapi/scopes.ts";
import { CLIENT_KEY_PREFIX, sha256 } from "../xapi-auth.ts";

/**
 * xAPI client credentials for IT and tools (an analytics tool reading the LRS, a test suite):
 * Basic key and secret. The secret is answered once and stored only as its SHA-256.
 */

const NewClient = z.object({
  name: z.string().regex(/^[A-Za-z0-9 ._@-]{1,64}$/, "1-64 letters, digits, spaces or . _ @ -"),
  scopes: z.array(z.enum(SCOPES)).min(1).default(["all"]),
});

export function xapiClientRoutes(app: FastifyInstance, ctx: AppContext): void {
  const admin = { preHandler: requireUser(ctx.db, { role: "admin" }) };

  app.post("/api/admin/xapi-clients", admin, async (request, reply) => {
    const parsed = NewClient.safeParse(request.body ?? {});
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
        .join("; ");
      return reply.code(400).send({ error: "BAD_XAPI_CLIENT", message });
    }
    const key = `${CLIENT_KEY_PREFIX}${randomBytes(9).toString("base64url")}`;
    const secret = randomBytes(24).toString("base64url");
    await ctx.db.query(
      "INSERT INTO xapi_clients (key, secret_sha256, name, scopes, created_by) VALUES ($1, $2, $3, $4, $5)",
      [key, sha256(secret), parsed.data.name, parsed.data.scopes, currentUser(request).id],
    );
    return reply.code(201).send({
      endpoint: `${originOf(request)}/xapi/`,
      key,
      secret,
      name: parsed.data.name,
      scopes: parsed.data.scopes,
    });
  });

  app.get("/api/admin/xapi-clients", admin, async () => {
    const { rows } = await ctx.db.query(
      `SELECT key, name, scopes, created_at AS "createdAt" FROM xapi_clients ORDER BY created_at, key`,
    );
    return { clients: rows };
  });

  app.delete("/api/admin/xapi-clients/:key", admin, async (request, reply) => {
    const { key } = request.params as { key: string };
    const { rowCount } = await ctx.db.query("DELETE FROM xapi_clients WHERE key = $1", [key]);
    if (!rowCount)
      return reply.code(404).send({
        error: "NO_SUCH_XAPI_CLIENT",
        message: `no client ${key}; GET /api/admin/xapi-clients lists them`,
      });
    return reply.code(204).send();
  });
}
