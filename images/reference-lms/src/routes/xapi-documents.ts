import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { agentKey, parseAgentParam } from "../agents.ts";
import type { AppContext } from "../context.ts";

type Kind = "state" | "activity_profile" | "agent_profile";

interface DocumentKey {
  readonly kind: Kind;
  readonly activityId: string;
  readonly agentKey: string;
  readonly registration: string;
  /** undefined: the whole collection (list ids / delete all). */
  readonly docId: string | undefined;
}

/** Reads the document's address from the query, or says what is missing. */
function documentKey(kind: Kind, query: Record<string, string | undefined>): DocumentKey | string {
  const needsActivity = kind !== "agent_profile";
  const needsAgent = kind !== "activity_profile";
  if (needsActivity && !query.activityId) return "activityId is required";
  let key = "";
  if (needsAgent) {
    const agent = parseAgentParam(query.agent);
    const parsedKey = agent ? agentKey(agent) : undefined;
    if (!parsedKey) return "agent must be a JSON agent with mbox, mbox_sha1sum, openid or account";
    key = parsedKey;
  }
  return {
    kind,
    activityId: needsActivity ? (query.activityId ?? "") : "",
    agentKey: key,
    registration: kind === "state" ? (query.registration ?? "") : "",
    docId: kind === "state" ? query.stateId : query.profileId,
  };
}

const etagOf = (content: Buffer) => `"${createHash("sha1").update(content).digest("hex")}"`;
const isJson = (type: string) => /^application\/json\b/i.test(type);

export function documentRoutes(xapi: FastifyInstance, ctx: AppContext): void {
  const kinds: [string, Kind][] = [
    ["/xapi/activities/state", "state"],
    ["/xapi/activities/profile", "activity_profile"],
    ["/xapi/agents/profile", "agent_profile"],
  ];
  for (const [path, kind] of kinds) {
    xapi.get(path, (request, reply) => getDocument(ctx, kind, request, reply));
    xapi.put(path, (request, reply) => putDocument(ctx, kind, request, reply, false));
    xapi.post(path, (request, reply) => putDocument(ctx, kind, request, reply, true));
    xapi.delete(path, (request, reply) => deleteDocument(ctx, kind, request, reply));
  }
  xapi.get("/xapi/activities", async (request, reply) => {
    const { activityId } = request.query as { activityId?: string };
    if (!activityId) return reply.code(400).send({ error: "BAD_REQUEST", message: "activityId is required" });
    return { objectType: "Activity", id: activityId };
  });
}

const keyOrFail = (kind: Kind, request: FastifyRequest, reply: FastifyReply) => {
  const key = documentKey(kind, request.query as Record<string, string | undefined>);
  if (typeof key === "string") {
    reply.code(400).send({ error: "BAD_REQUEST", message: key });
    return undefined;
  }
  return key;
};

const WHERE = "kind = $1 AND activity_id = $2 AND agent_key = $3 AND registration = $4";
const params = (key: DocumentKey) => [key.kind, key.activityId, key.agentKey, key.registration];

async function getDocument(ctx: AppContext, kind: Kind, request: FastifyRequest, reply: FastifyReply) {
  const key = keyOrFail(kind, request, reply);
  if (!key) return reply;
  if (key.docId === undefined) {
    const { rows } = await ctx.db.query<{ doc_id: string }>(
      `SELECT doc_id FROM xapi_documents WHERE ${WHERE} ORDER BY doc_id`,
      params(key),
    );
    return rows.map((row) => row.doc_id);
  }
  const { rows } = await ctx.db.query<{ content: Buffer; content_type: string; etag: string; updated: Date }>(
    `SELECT content, content_type, etag, updated FROM xapi_documents WHERE ${WHERE} AND doc_id = $5`,
    [...params(key), key.docId],
  );
  const row = rows[0];
  if (!row) return reply.code(404).send({ error: "NOT_FOUND" });
  return reply
    .header("ETag", row.etag)
    .header("Last-Modified", row.updated.toUTCString())
    .type(row.content_type)
    .send(row.content);
}

async function putDocument(
  ctx: AppContext,
  kind: Kind,
  request: FastifyRequest,
  reply: FastifyReply,
  merge: boolean,
) {
  const key = keyOrFail(kind, request, reply);
  if (!key) return reply;
  if (key.docId === undefined)
    return reply
      .code(400)
      .send({ error: "BAD_REQUEST", message: `${kind === "state" ? "stateId" : "profileId"} is required` });
  const type = request.headers["content-type"] ?? "application/octet-stream";
  let content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (merge) {
    // POST merges JSON objects (xAPI 1.0.3 section 2.2, "JSON Procedure with Requirements").
    if (!isJson(type))
      return reply.code(400).send({
        error: "BAD_REQUEST",
        message: "POST merges JSON documents only: use Content-Type application/json",
      });
    let incoming: unknown;
    try {
      incoming = JSON.parse(content.toString("utf8"));
    } catch {
      return reply.code(400).send({ error: "BAD_REQUEST", message: "the body is not valid JSON" });
    }
    const { rows } = await ctx.db.query<{ content: Buffer; content_type: string }>(
      `SELECT content, content_type FROM xapi_documents WHERE ${WHERE} AND doc_id = $5`,
      [...params(key), key.docId],
    );
    if (rows[0]) {
      let existing: unknown;
      try {
        existing = isJson(rows[0].content_type) ? JSON.parse(rows[0].content.toString("utf8")) : undefined;
      } catch {
        existing = undefined;
      }
      const objects = [existing, incoming].every((v) => v && typeof v === "object" && !Array.isArray(v));
      if (!objects)
        return reply
          .code(400)
          .send({ error: "BAD_REQUEST", message: "both documents must be JSON objects to merge" });
      content = Buffer.from(JSON.stringify({ ...(existing as object), ...(incoming as object) }));
    }
  }
  await ctx.db.query(
    `INSERT INTO xapi_documents (kind, activity_id, agent_key, registration, doc_id, content_type, content, etag)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (kind, activity_id, agent_key, registration, doc_id)
     DO UPDATE SET content_type = $6, content = $7, etag = $8, updated = now()`,
    [...params(key), key.docId, type, content, etagOf(content)],
  );
  return reply.code(204).send();
}

async function deleteDocument(ctx: AppContext, kind: Kind, request: FastifyRequest, reply: FastifyReply) {
  const key = keyOrFail(kind, request, reply);
  if (!key) return reply;
  if (key.docId === undefined) {
    if (kind !== "state")
      return reply.code(400).send({ error: "BAD_REQUEST", message: "profileId is required" });
    await ctx.db.query(`DELETE FROM xapi_documents WHERE ${WHERE}`, params(key));
  } else {
    await ctx.db.query(`DELETE FROM xapi_documents WHERE ${WHERE} AND doc_id = $5`, [
      ...params(key),
      key.docId,
    ]);
  }
  return reply.code(204).send();
}
