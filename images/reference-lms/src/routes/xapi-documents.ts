import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type pg from "pg";
import { agentKey } from "../agents.ts";
import type { AppContext } from "../context.ts";
import { inTransaction } from "../db.ts";
import { checkPreconditions } from "../xapi/concurrency.ts";
import { XapiError } from "../xapi/store.ts";
import { parseAgent } from "./xapi-resources.ts";

type Kind = "state" | "activity_profile" | "agent_profile";

interface DocumentKey {
  readonly kind: Kind;
  readonly activityId: string;
  readonly agentKey: string;
  readonly registration: string;
  /** undefined: the whole collection (list ids / delete all states). */
  readonly docId: string | undefined;
  readonly since?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALLOWED: Record<Kind, string[]> = {
  state: ["activityId", "agent", "registration", "stateId", "since"],
  activity_profile: ["activityId", "profileId", "since"],
  agent_profile: ["agent", "profileId", "since"],
};

/** Reads the document's address from the query, or refuses it (400) naming what is wrong. */
function documentKey(kind: Kind, query: Record<string, string | undefined>): DocumentKey {
  const unknown = Object.keys(query).filter((name) => !ALLOWED[kind].includes(name));
  if (unknown.length > 0) throw new XapiError(400, `unknown parameter(s) ${unknown.join(", ")}`);
  const needsActivity = kind !== "agent_profile";
  if (needsActivity && !query.activityId) throw new XapiError(400, "activityId is required");
  const key = kind === "activity_profile" ? "" : (agentKey(parseAgent(query.agent)) as string);
  if (query.registration !== undefined && !UUID.test(query.registration))
    throw new XapiError(400, "registration must be a UUID");
  if (query.since !== undefined && Number.isNaN(Date.parse(query.since)))
    throw new XapiError(400, "since must be an ISO 8601 timestamp");
  return {
    kind,
    activityId: needsActivity ? (query.activityId ?? "") : "",
    agentKey: key,
    registration: kind === "state" ? (query.registration ?? "").toLowerCase() : "",
    docId: kind === "state" ? query.stateId : query.profileId,
    ...(query.since ? { since: new Date(query.since).toISOString() } : {}),
  };
}

const etagOf = (content: Buffer) => `"${createHash("sha1").update(content).digest("hex")}"`;
const isJson = (type: string) => /^application\/json\b/i.test(type);
const WHERE = "kind = $1 AND activity_id = $2 AND agent_key = $3 AND registration = $4";
const params = (key: DocumentKey) => [key.kind, key.activityId, key.agentKey, key.registration];
const keyOf = (kind: Kind, request: FastifyRequest) =>
  documentKey(kind, request.query as Record<string, string | undefined>);
const preconditionsOf = (request: FastifyRequest) => ({
  ...(typeof request.headers["if-match"] === "string" ? { ifMatch: request.headers["if-match"] } : {}),
  ...(typeof request.headers["if-none-match"] === "string"
    ? { ifNoneMatch: request.headers["if-none-match"] }
    : {}),
});

export function documentRoutes(xapi: FastifyInstance, ctx: AppContext): void {
  const kinds: [string, Kind][] = [
    ["/xapi/activities/state", "state"],
    ["/xapi/activities/profile", "activity_profile"],
    ["/xapi/agents/profile", "agent_profile"],
  ];
  for (const [path, kind] of kinds) {
    xapi.get(path, (request, reply) => getDocument(ctx, keyOf(kind, request), reply));
    xapi.put(path, (request, reply) => writeDocument(ctx, keyOf(kind, request), request, reply));
    xapi.post(path, (request, reply) => writeDocument(ctx, keyOf(kind, request), request, reply));
    xapi.delete(path, (request, reply) => deleteDocument(ctx, keyOf(kind, request), request, reply));
  }
}

async function getDocument(ctx: AppContext, key: DocumentKey, reply: FastifyReply) {
  if (key.docId === undefined) {
    const { rows } = await ctx.db.query<{ doc_id: string }>(
      `SELECT doc_id FROM xapi_documents WHERE ${WHERE} AND ($5::timestamptz IS NULL OR updated > $5) ORDER BY doc_id`,
      [...params(key), key.since ?? null],
    );
    return rows.map((row) => row.doc_id);
  }
  const { rows } = await ctx.db.query<{ content: Buffer; content_type: string; etag: string; updated: Date }>(
    `SELECT content, content_type, etag, updated FROM xapi_documents WHERE ${WHERE} AND doc_id = $5`,
    [...params(key), key.docId],
  );
  const row = rows[0];
  if (!row) return reply.code(404).send({ error: "NOT_FOUND", message: "no such document" });
  return reply
    .header("ETag", row.etag)
    .header("Last-Modified", row.updated.toUTCString())
    .type(row.content_type)
    .send(row.content);
}

async function currentDocument(client: pg.PoolClient, key: DocumentKey) {
  const { rows } = await client.query<{ content: Buffer; content_type: string; etag: string }>(
    `SELECT content, content_type, etag FROM xapi_documents WHERE ${WHERE} AND doc_id = $5 FOR UPDATE`,
    [...params(key), key.docId],
  );
  return rows[0];
}

/** POST merges JSON objects (xAPI 1.0.3 part 3, 1.5.2 "JSON Procedure with Requirements"). */
function merged(existing: { content: Buffer; content_type: string } | undefined, type: string, body: Buffer) {
  if (!existing) return body;
  const parse = (buffer: Buffer) => {
    try {
      return JSON.parse(buffer.toString("utf8")) as unknown;
    } catch {
      return undefined;
    }
  };
  const [before, incoming] = [
    isJson(existing.content_type) ? parse(existing.content) : undefined,
    parse(body),
  ];
  const objects = [before, incoming].every((v) => v && typeof v === "object" && !Array.isArray(v));
  if (!isJson(type) || !objects)
    throw new XapiError(
      400,
      "POST merges JSON objects only: both documents must be application/json objects",
    );
  return Buffer.from(JSON.stringify({ ...(before as object), ...(incoming as object) }));
}

async function writeDocument(
  ctx: AppContext,
  key: DocumentKey,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (key.docId === undefined)
    throw new XapiError(400, `${key.kind === "state" ? "stateId" : "profileId"} is required`);
  const type = request.headers["content-type"] ?? "application/octet-stream";
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const merge = request.method === "POST";
  await inTransaction(ctx.db, async (client) => {
    const existing = await currentDocument(client, key);
    checkPreconditions(preconditionsOf(request), existing?.etag, {
      method: request.method,
      profile: key.kind !== "state",
    });
    const content = merge ? merged(existing, type, body) : body;
    await client.query(
      `INSERT INTO xapi_documents (kind, activity_id, agent_key, registration, doc_id, content_type, content, etag)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (kind, activity_id, agent_key, registration, doc_id)
       DO UPDATE SET content_type = $6, content = $7, etag = $8, updated = now()`,
      [...params(key), key.docId, merge && existing ? existing.content_type : type, content, etagOf(content)],
    );
  });
  return reply.code(204).send();
}

async function deleteDocument(
  ctx: AppContext,
  key: DocumentKey,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (key.docId === undefined) {
    if (key.kind !== "state") throw new XapiError(400, "profileId is required");
    await ctx.db.query(`DELETE FROM xapi_documents WHERE ${WHERE}`, params(key));
    return reply.code(204).send();
  }
  await inTransaction(ctx.db, async (client) => {
    const existing = await currentDocument(client, key);
    checkPreconditions(preconditionsOf(request), existing?.etag, { method: "DELETE", profile: false });
    await client.query(`DELETE FROM xapi_documents WHERE ${WHERE} AND doc_id = $5`, [
      ...params(key),
      key.docId,
    ]);
  });
  return reply.code(204).send();
}
