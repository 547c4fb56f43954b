import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type AppContext, loadRunOf, originOf } from "../context.ts";
import { checkCmi5, settleCmi5 } from "../xapi/cmi5-sessions.ts";
import { formatStatement } from "../xapi/format.ts";
import { checkAttachmentParts, multipartAnswer, parseStatementMultipart } from "../xapi/multipart.ts";
import {
  type Cursor,
  decodeCursor,
  encodeCursor,
  parseFormat,
  parseStatementQuery,
  singleStatementId,
  whereOf,
} from "../xapi/query.ts";
import { verifySignatures } from "../xapi/signature.ts";
import { parseStatementBatch, StatementError } from "../xapi/statements.ts";
import { type AttachmentPart, storeStatements, XapiError } from "../xapi/store.ts";
import { lmsAuthority, readsAll, type XapiPrincipal } from "../xapi-auth.ts";

type Json = Record<string, unknown>;

function requestBody(request: FastifyRequest): { body: unknown; parts: Map<string, AttachmentPart> } {
  const type = request.headers["content-type"] ?? "";
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (/^multipart\/mixed\b/i.test(type)) return parseStatementMultipart(type, raw);
  if (!/^application\/json\b/i.test(type))
    throw new XapiError(400, "send statements as application/json, or multipart/mixed with attachments");
  if (raw.length === 0) throw new XapiError(400, "the body is empty");
  try {
    return { body: JSON.parse(raw.toString("utf8")), parts: new Map() };
  } catch {
    throw new XapiError(400, "the body is not valid JSON");
  }
}

async function store(ctx: AppContext, request: FastifyRequest, forcedId?: string): Promise<string[]> {
  const principal = request.xapi as XapiPrincipal;
  const { body, parts } = requestBody(request);
  let batch: ReturnType<typeof parseStatementBatch>;
  try {
    batch = parseStatementBatch(body, {
      now: new Date(),
      authority: principal.authority(originOf(request)),
      validate: ctx.config.validateStatements,
      ...(forcedId ? { forcedId } : {}),
    });
  } catch (error) {
    if (error instanceof StatementError) throw new XapiError(400, error.message);
    throw error;
  }
  checkAttachmentParts(batch, parts);
  await verifySignatures(batch, parts);
  const cmi5 = await checkCmi5(ctx.db, batch);
  const inserted = await storeStatements(ctx.db, batch, {
    userId: principal.userId,
    clientKey: principal.clientKey,
    run: loadRunOf(request.headers),
    parts,
  });
  await settleCmi5(ctx.db, cmi5, lmsAuthority(originOf(request)));
  ctx.metrics.statements.inc(inserted);
  return batch.map((s) => s.id);
}

/** The principal's own condition: `$1`, `$2`, `$3`. */
const scopeSql = "(($1::boolean) OR user_id = $2::bigint OR client_key = $3)";
const scopeValues = (p: XapiPrincipal) => [readsAll(p), p.userId, p.clientKey];

async function attachmentsOf(ctx: AppContext, statements: readonly Json[]) {
  const hashes = [
    ...new Set(
      statements.flatMap((s) =>
        (Array.isArray(s.attachments) ? (s.attachments as Json[]) : []).map((a) =>
          String(a.sha2).toLowerCase(),
        ),
      ),
    ),
  ];
  if (hashes.length === 0) return [];
  const { rows } = await ctx.db.query<{ sha2: string; content_type: string; content: Buffer }>(
    "SELECT sha2, content_type, content FROM xapi_attachments WHERE sha2 = ANY($1)",
    [hashes],
  );
  return rows.map((r) => ({ sha2: r.sha2, contentType: r.content_type, content: r.content }));
}

async function answer(
  ctx: AppContext,
  reply: FastifyReply,
  json: unknown,
  statements: Json[],
  withAttachments: boolean,
) {
  reply.header("X-Experience-API-Consistent-Through", new Date().toISOString());
  if (!withAttachments) return reply.type("application/json").send(json);
  const { contentType, body } = multipartAnswer(json, await attachmentsOf(ctx, statements));
  return reply.type(contentType).send(body);
}

async function getStatements(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const principal = request.xapi as XapiPrincipal;
  const params = request.query as Record<string, string>;
  const language = request.headers["accept-language"];
  const single = singleStatementId(params);
  if (single) {
    const format = parseFormat(params.format);
    const { rows } = await ctx.db.query<{ statement: Json }>(
      `SELECT statement FROM statements WHERE id = $4 AND voided = $5 AND ${scopeSql}`,
      [...scopeValues(principal), single.id, single.voided],
    );
    const found = rows[0];
    if (!found) return reply.code(404).send({ error: "NOT_FOUND", message: `no statement ${single.id}` });
    const statement = formatStatement(found.statement, format, language);
    reply.header("Last-Modified", new Date(String(found.statement.stored)).toUTCString());
    return answer(ctx, reply, statement, [statement], params.attachments === "true");
  }
  let cursor: Cursor | undefined;
  if (params.more !== undefined) cursor = decodeCursor(params.more);
  const queryParams = cursor ? cursor.params : params;
  const query = parseStatementQuery(queryParams);
  const upTo =
    cursor?.upTo ??
    Number(
      (await ctx.db.query<{ n: string | null }>("SELECT max(seq) AS n FROM statements")).rows[0]?.n ?? 0,
    );
  const where = whereOf(query, 6);
  const order = query.ascending ? "ASC" : "DESC";
  const after = cursor ? `AND seq ${query.ascending ? ">" : "<"} $5` : "AND $5::bigint IS NOT NULL";
  const { rows } = await ctx.db.query<{ seq: string; statement: Json }>(
    `SELECT seq, statement FROM statements
     WHERE NOT voided AND ${scopeSql} AND seq <= $4 ${after}${where.sql}
     ORDER BY seq ${order} LIMIT ${query.limit + 1}`,
    [...scopeValues(principal), upTo, cursor?.after ?? 0, ...where.values],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const more =
    rows.length > query.limit && last
      ? `/xapi/statements?more=${encodeCursor({ params: queryParams, after: Number(last.seq), upTo })}`
      : "";
  const statements = page.map((row) => formatStatement(row.statement, query.format, language));
  return answer(ctx, reply, { statements, more }, statements, query.attachments);
}

export function statementRoutes(xapi: FastifyInstance, ctx: AppContext): void {
  xapi.post("/xapi/statements", async (request) => store(ctx, request));
  xapi.put("/xapi/statements", async (request, reply) => {
    const { statementId, ...rest } = request.query as Record<string, string>;
    if (!statementId) throw new XapiError(400, "PUT /xapi/statements needs ?statementId=<uuid>");
    if (Object.keys(rest).length > 0)
      throw new XapiError(400, `unknown parameter(s) ${Object.keys(rest).join(", ")}`);
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(statementId))
      throw new XapiError(400, "statementId must be a UUID");
    await store(ctx, request, statementId.toLowerCase());
    return reply.code(204).send();
  });
  xapi.get("/xapi/statements", (request, reply) => getStatements(ctx, request, reply));
}
