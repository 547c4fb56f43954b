import type { FastifyInstance } from "fastify";
import { aiccStatus, getParamData, hacpResponse, parseAiccData } from "../aicc.ts";
import { type AppContext, loadRunOf } from "../context.ts";
import { inTransaction } from "../db.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** AICC HACP: the AU posts form fields (names case-insensitive); errors travel in the body with HTTP 200. */
export function hacpRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post("/aicc/hacp", async (request, reply) => {
    reply.type("text/plain; charset=utf-8");
    const raw = (request.body && typeof request.body === "object" ? request.body : {}) as Record<
      string,
      unknown
    >;
    const field = (name: string) => {
      const entry = Object.entries(raw).find(([key]) => key.toLowerCase() === name);
      const value = entry?.[1];
      return typeof value === "string" ? value : Array.isArray(value) ? String(value[0]) : undefined;
    };
    const command = (field("command") ?? "").toLowerCase();
    const sessionId = field("session_id") ?? "";
    if (
      ![
        "getparam",
        "putparam",
        "exitau",
        "putinteractions",
        "putpath",
        "putobjectives",
        "putcomments",
        "putperformance",
      ].includes(command)
    ) {
      return hacpResponse(1, "Invalid Command");
    }
    if (!UUID.test(sessionId)) return hacpResponse(3, "Invalid Session ID");
    const { rows } = await ctx.db.query<{
      username: string;
      state: { aicc?: { core?: object; coreLesson?: string } };
    }>(
      "SELECT u.username, a.state FROM attempts a JOIN users u ON u.id = a.user_id WHERE a.id = $1 AND a.format = 'aicc'",
      [sessionId],
    );
    const attempt = rows[0];
    if (!attempt) return hacpResponse(3, "Invalid Session ID");
    if (command === "getparam") {
      const saved = attempt.state.aicc ?? {};
      return hacpResponse(
        0,
        "Successful",
        getParamData({
          studentId: attempt.username,
          studentName: attempt.username,
          core: saved.core ?? {},
          coreLesson: saved.coreLesson ?? "",
        }),
      );
    }
    if (command !== "putparam") return hacpResponse(0, "Successful");
    const data = field("aicc_data");
    if (data === undefined) return hacpResponse(2, "Invalid argument: aicc_data is missing");
    const put = parseAiccData(data);
    const status = aiccStatus(put.core.lessonStatus);
    const score = put.core.score ? Number.parseFloat(put.core.score) : Number.NaN;
    const merged = { core: { ...(attempt.state.aicc?.core ?? {}), ...put.core }, coreLesson: put.coreLesson };
    await inTransaction(ctx.db, async (client) => {
      await client.query(
        `INSERT INTO commits (attempt_id, kind, cmi, completion_status, success_status, score, load_run)
         VALUES ($1, 'aicc', $2, $3, $4, $5, $6)`,
        [
          sessionId,
          JSON.stringify({ aicc_data: data, ...put }),
          status.completion,
          status.success,
          Number.isFinite(score) ? score : null,
          loadRunOf(request.headers),
        ],
      );
      await client.query(
        `UPDATE attempts SET state = jsonb_set(state, '{aicc}', $2::jsonb), completion_status = coalesce($3, completion_status),
           success_status = coalesce($4, success_status), score = coalesce($5, score), updated_at = now() WHERE id = $1`,
        [
          sessionId,
          JSON.stringify(merged),
          status.completion,
          status.success,
          Number.isFinite(score) ? score : null,
        ],
      );
    });
    ctx.metrics.commits.inc({ kind: "aicc" });
    return hacpResponse(0, "Successful");
  });
}
