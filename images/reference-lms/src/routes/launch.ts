import type { FastifyInstance } from "fastify";
import { type AppContext, loadRunOf, originOf } from "../context.ts";
import { loadCourse, startLaunch } from "../launch-service.ts";
import { scormLaunchPage } from "../pages.ts";
import { currentUser, requireUser } from "../sessions.ts";

export function launchRoutes(app: FastifyInstance, ctx: AppContext): void {
  // For programs (load generator): everything needed to run the attempt without a browser.
  app.post("/api/courses/:courseId/launch", { preHandler: requireUser(ctx.db) }, async (request, reply) => {
    const { courseId } = request.params as { courseId: string };
    const body = (request.body ?? {}) as { launchId?: unknown };
    const course = await loadCourse(ctx.db, courseId);
    if (!course)
      return reply
        .code(404)
        .send({ error: "NO_SUCH_COURSE", message: `no course ${courseId}; see GET /api/courses` });
    const launchId = typeof body.launchId === "string" ? body.launchId : undefined;
    const launch = await startLaunch(ctx.db, currentUser(request), course, launchId, originOf(request));
    if (!launch)
      return reply
        .code(404)
        .send({ error: "NO_SUCH_LAUNCH", message: `course ${courseId} has no launch ${launchId}` });
    return { launch };
  });

  // For people: SCORM gets a player page; xAPI, cmi5 and AICC content is opened directly with its parameters.
  app.get(
    "/launch/:courseId",
    { preHandler: requireUser(ctx.db, { page: true }) },
    async (request, reply) => {
      const { courseId } = request.params as { courseId: string };
      const query = request.query as { launch?: string; run?: string };
      const course = await loadCourse(ctx.db, courseId);
      if (!course) return reply.code(404).type("text/plain").send(`no course ${courseId}`);
      const user = currentUser(request);
      const launch = await startLaunch(ctx.db, user, course, query.launch, originOf(request));
      if (!launch)
        return reply.code(404).type("text/plain").send(`course ${courseId} has no launch ${query.launch}`);
      if (!launch.scorm) return reply.redirect(launch.contentUrl, 303);
      const loadRun = loadRunOf({ "x-load-run": query.run });
      const config = {
        version: launch.scorm.version,
        commitUrl: loadRun
          ? `${launch.scorm.commitUrl}?run=${encodeURIComponent(loadRun)}`
          : launch.scorm.commitUrl,
        contentUrl: launch.contentUrl,
        student: { id: user.username, name: user.username },
        state: launch.scorm.state,
      };
      return reply.type("text/html").send(scormLaunchPage(course.title, config, launch.scorm.version));
    },
  );
}
