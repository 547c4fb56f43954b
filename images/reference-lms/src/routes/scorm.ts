import type { FastifyInstance, FastifyRequest } from "fastify";
import { type AppContext, loadRunOf } from "../context.ts";
import { inTransaction } from "../db.ts";
import { summariseScormCommit } from "../runtime-state.ts";
import { currentUser, requireUser } from "../sessions.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** scorm-again sends JSON; its terminate commit goes by sendBeacon as text/plain so it survives unload. */
function commitBody(body: unknown): object | undefined {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  // Only plain JSON objects: a stream (octet-stream body) or an array is not a commit.
  return value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype
    ? value
    : undefined;
}

/** The header, or `?run=` for the player page's beacon commits, which cannot carry headers. */
const runOf = (request: FastifyRequest) =>
  loadRunOf(request.headers) ?? loadRunOf({ "x-load-run": (request.query as { run?: string }).run });

export function scormRoutes(app: FastifyInstance, ctx: AppContext): void {
  // One row per commit, in the same transaction as the attempt's summary: durable before we answer.
  app.post("/api/attempts/:attemptId/commit", { preHandler: requireUser(ctx.db) }, async (request, reply) => {
    const { attemptId } = request.params as { attemptId: string };
    const user = currentUser(request);
    if (!UUID.test(attemptId))
      return reply.code(404).send({ result: false, errorCode: 101, error: "NO_SUCH_ATTEMPT" });
    const body = commitBody(request.body);
    if (!body) {
      return reply.code(400).send({
        result: false,
        errorCode: 101,
        error: "BAD_COMMIT",
        message: "send the cmi data as a JSON object",
      });
    }
    const summary = summariseScormCommit(body);
    const stored = await inTransaction(ctx.db, async (client) => {
      const attempt = await client.query<{ format: string }>(
        "SELECT format FROM attempts WHERE id = $1 AND user_id = $2 FOR UPDATE",
        [attemptId, user.id],
      );
      const format = attempt.rows[0]?.format;
      if (!format) return undefined;
      await client.query(
        `INSERT INTO commits (attempt_id, kind, cmi, completion_status, success_status, score, load_run)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          attemptId,
          format,
          JSON.stringify(body),
          summary.completionStatus,
          summary.successStatus,
          summary.score,
          runOf(request),
        ],
      );
      await client.query(
        `UPDATE attempts SET state = state || $2::jsonb, completion_status = coalesce($3, completion_status),
           success_status = coalesce($4, success_status), score = coalesce($5, score), updated_at = now() WHERE id = $1`,
        [
          attemptId,
          JSON.stringify(summary.state),
          summary.completionStatus,
          summary.successStatus,
          summary.score,
        ],
      );
      return format;
    });
    if (!stored) return reply.code(404).send({ result: false, errorCode: 101, error: "NO_SUCH_ATTEMPT" });
    ctx.metrics.commits.inc({ kind: stored });
    return { result: true, errorCode: 0 };
  });

  app.get("/api/attempts/:attemptId", { preHandler: requireUser(ctx.db) }, async (request, reply) => {
    const { attemptId } = request.params as { attemptId: string };
    const user = currentUser(request);
    if (!UUID.test(attemptId)) return reply.code(404).send({ error: "NO_SUCH_ATTEMPT" });
    const { rows } = await ctx.db.query(
      `SELECT a.id, a.course_id AS "courseId", a.launch_id AS "launchId", a.format, a.state,
              a.completion_status AS "completionStatus", a.success_status AS "successStatus", a.score,
              (SELECT count(*)::int FROM commits c WHERE c.attempt_id = a.id) AS commits
       FROM attempts a WHERE a.id = $1 AND (a.user_id = $2 OR $3)`,
      [attemptId, user.id, user.role === "admin"],
    );
    if (!rows[0]) return reply.code(404).send({ error: "NO_SUCH_ATTEMPT" });
    return { attempt: rows[0] };
  });
}
