import { resolve } from "node:path";
import type { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.ts";
import { COURSE_ID_PATTERN, courseDir, InstallError, installCourse } from "../install.ts";
import { type CatalogEntry, catalogPage } from "../pages.ts";
import { currentUser, requireUser } from "../sessions.ts";
import { resolveInside } from "../unzip.ts";

async function catalog(ctx: AppContext): Promise<CatalogEntry[]> {
  const { rows } = await ctx.db.query<{
    id: string;
    title: string;
    format: string;
    edition: string | null;
    launches: { id: string; title: string }[];
    installed_at: Date;
  }>("SELECT id, title, format, edition, launches, installed_at FROM courses ORDER BY installed_at, id");
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    format: row.format,
    edition: row.edition,
    launches: row.launches.map((launch) => ({ id: launch.id, title: launch.title })),
    installedAt: row.installed_at.toISOString(),
  }));
}

export function courseRoutes(app: FastifyInstance, ctx: AppContext): void {
  const learner = { preHandler: requireUser(ctx.db) };

  app.get("/", { preHandler: requireUser(ctx.db, { page: true }) }, async (request, reply) => {
    const user = currentUser(request);
    return reply
      .type("text/html")
      .send(catalogPage(user.username, user.role === "admin", await catalog(ctx)));
  });

  app.get("/api/courses", learner, async () => ({ courses: await catalog(ctx) }));

  app.get("/api/courses/:courseId", learner, async (request, reply) => {
    const { courseId } = request.params as { courseId: string };
    const { rows } = await ctx.db.query(
      "SELECT id, title, format, edition, launches, profile FROM courses WHERE id = $1",
      [courseId],
    );
    if (!rows[0])
      return reply
        .code(404)
        .send({ error: "NO_SUCH_COURSE", message: `no course ${courseId}; see GET /api/courses` });
    return { course: rows[0] };
  });

  // The body is the zip itself; the parser hands the raw stream over instead of buffering it.
  app.addContentTypeParser(
    ["application/zip", "application/x-zip-compressed", "application/octet-stream"],
    (_request, payload, done) => done(null, payload),
  );

  app.post(
    "/api/courses",
    { preHandler: requireUser(ctx.db, { role: "admin" }), bodyLimit: ctx.config.maxUploadBytes },
    async (request, reply) => {
      const query = request.query as { id?: string; replace?: string };
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== "function") {
        return reply.code(415).send({
          error: "NOT_A_ZIP_UPLOAD",
          message: "send the course zip as the raw body with Content-Type: application/zip",
        });
      }
      try {
        const course = await installCourse({
          db: ctx.db,
          dataDir: ctx.config.dataDir,
          body,
          maxUploadBytes: ctx.config.maxUploadBytes,
          ...(query.id !== undefined ? { requestedId: query.id } : {}),
          replace: query.replace === "true" || query.replace === "1",
          installedBy: currentUser(request).id,
        });
        return reply.code(201).send({ course });
      } catch (error) {
        if (error instanceof InstallError) {
          return reply
            .code(error.status)
            .send({ error: error.code, message: error.message, findings: error.findings });
        }
        throw error;
      }
    },
  );

  // Course files: only for logged-in users, only inside the course's folder.
  app.get("/content/:courseId/*", { preHandler: requireUser(ctx.db) }, async (request, reply) => {
    const params = request.params as { courseId: string; "*": string };
    if (!COURSE_ID_PATTERN.test(params.courseId)) return reply.code(404).send({ error: "NOT_FOUND" });
    const root = resolve(courseDir(ctx.config.dataDir, params.courseId));
    const path = resolveInside(root, params["*"]);
    if (!path) return reply.code(404).send({ error: "NOT_FOUND", message: "no such file in this course" });
    return reply.sendFile(path.slice(root.length + 1), root);
  });
}
