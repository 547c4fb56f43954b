import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { agentKey, parseAgentParam } from "../agents.ts";
import { type AppContext, loadRunOf } from "../context.ts";
import { inTransaction } from "../db.ts";
import { parseStatementBatch, StatementError } from "../statements.ts";
import { createXapiToken, type XapiPrincipal, xapiPrincipal } from "../xapi-auth.ts";
import { documentRoutes } from "./xapi-documents.ts";

export const XAPI_VERSION = "1.0.3";

declare module "fastify" {
  interface FastifyRequest {
    xapi?: XapiPrincipal;
  }
}

export function parseJsonBody(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) throw new StatementError("the body is empty");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw new StatementError("the body is not valid JSON");
  }
}

const bad = (reply: FastifyReply, message: string) => reply.code(400).send({ error: "BAD_REQUEST", message });

export function xapiRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.register(async (xapi) => {
    // Documents are opaque bytes of any type; statements are parsed here.
    xapi.removeAllContentTypeParsers();
    xapi.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: 16 * 1024 * 1024 },
      (_request, body, done) => done(null, body),
    );
    xapi.addHook("onRequest", async (_request, reply) => {
      reply.header("X-Experience-API-Version", XAPI_VERSION);
    });
    xapi.addHook("preHandler", async (request, reply) => {
      if (request.routeOptions.url === "/xapi/about") return;
      const principal = await xapiPrincipal(ctx.db, request);
      if (!principal) {
        return reply
          .code(401)
          .header("WWW-Authenticate", 'Basic realm="xAPI"')
          .send({ error: "UNAUTHORIZED", message: "send the launch's Authorization header" });
      }
      request.xapi = principal;
    });

    xapi.get("/xapi/about", async () => ({ version: [XAPI_VERSION, "1.0.0"] }));
    xapi.post("/xapi/statements", (request, reply) => storeStatements(ctx, request, reply));
    xapi.put("/xapi/statements", (request, reply) => {
      const { statementId } = request.query as { statementId?: string };
      if (!statementId) return bad(reply, "PUT /xapi/statements needs ?statementId=<uuid>");
      return storeStatements(ctx, request, reply, statementId.toLowerCase());
    });
    xapi.get("/xapi/statements", (request, reply) => getStatements(ctx, request, reply));
    documentRoutes(xapi, ctx);
  });

  // cmi5 fetch URL: answers once with the AU's credentials (cmi5 section 8.2.3).
  app.post("/cmi5/fetch/:fetchId", async (request, reply) => {
    const { fetchId } = request.params as { fetchId: string };
    const { rows } = await ctx.db.query<{ user_id: string; attempt_id: string }>(
      "UPDATE cmi5_fetch SET used = true WHERE id = $1 AND NOT used RETURNING user_id::text AS user_id, attempt_id::text AS attempt_id",
      [fetchId],
    );
    const row = rows[0];
    if (!row)
      return reply.send({
        "error-code": "1",
        "error-text": "this fetch URL was already used or does not exist",
      });
    const auth = await createXapiToken(ctx.db, row.user_id, row.attempt_id);
    return { "auth-token": auth.slice("Basic ".length) };
  });
}

async function storeStatements(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  forcedId?: string,
) {
  let prepared: ReturnType<typeof parseStatementBatch>;
  try {
    prepared = parseStatementBatch(parseJsonBody(request.body), new Date(), forcedId);
  } catch (error) {
    if (error instanceof StatementError) return bad(reply, error.message);
    throw error;
  }
  const userId = request.xapi?.userId ?? null;
  const run = loadRunOf(request.headers);
  let inserted = 0;
  await inTransaction(ctx.db, async (client) => {
    for (const s of prepared) {
      // A statement id already stored is accepted again unchanged (idempotent retries).
      const result = await client.query(
        `INSERT INTO statements (id, user_id, registration, verb, activity_id, statement, load_run)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
        [s.id, userId, s.registration, s.verb, s.activityId, JSON.stringify(s.statement), run],
      );
      inserted += result.rowCount ?? 0;
      if (s.voids)
        await client.query("UPDATE statements SET voided = true WHERE id = $1", [s.voids.toLowerCase()]);
    }
  });
  ctx.metrics.statements.inc(inserted);
  if (forcedId) return reply.code(204).send();
  return prepared.map((s) => s.id);
}

async function getStatements(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const q = request.query as Record<string, string | undefined>;
  const principal = request.xapi as XapiPrincipal;
  const single = q.statementId ?? q.voidedStatementId;
  if (single) {
    const { rows } = await ctx.db.query<{ statement: unknown }>(
      "SELECT statement FROM statements WHERE id::text = $1 AND voided = $2 AND (user_id = $3 OR $4)",
      [single.toLowerCase(), Boolean(q.voidedStatementId), principal.userId, principal.admin],
    );
    if (!rows[0]) return reply.code(404).send({ error: "NOT_FOUND" });
    return rows[0].statement;
  }
  const limit = Math.min(Math.max(Number(q.limit) || 100, 1), 500);
  const agent = parseAgentParam(q.agent);
  const { rows } = await ctx.db.query<{ statement: Record<string, unknown> }>(
    `SELECT statement FROM statements
     WHERE NOT voided AND (user_id = $1 OR $2)
       AND ($3::uuid IS NULL OR registration = $3::uuid)
       AND ($4::text IS NULL OR verb = $4)
       AND ($5::text IS NULL OR activity_id = $5)
       AND ($6::timestamptz IS NULL OR stored > $6)
     ORDER BY stored ${q.ascending === "true" ? "ASC" : "DESC"} LIMIT $7`,
    [
      principal.userId,
      principal.admin,
      q.registration ?? null,
      q.verb ?? null,
      q.activity ?? null,
      q.since ?? null,
      limit,
    ],
  );
  const key = agent ? agentKey(agent) : undefined;
  const statements = rows
    .map((row) => row.statement)
    .filter((s) => !key || agentKey((s.actor ?? {}) as object) === key);
  return { statements, more: "" };
}
