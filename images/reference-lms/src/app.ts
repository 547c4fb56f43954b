import fastifyCookie from "@fastify/cookie";
import formbodyModule from "@fastify/formbody";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from "fastify";
import type { AppContext } from "./context.ts";
import { adminRoutes } from "./routes/admin.ts";
import { authRoutes } from "./routes/auth.ts";
import { courseRoutes } from "./routes/courses.ts";
import { hacpRoutes } from "./routes/hacp.ts";
import { launchRoutes } from "./routes/launch.ts";
import { scormRoutes } from "./routes/scorm.ts";
import { xapiRoutes } from "./routes/xapi.ts";
import { xapiClientRoutes } from "./routes/xapi-clients.ts";

// @fastify/formbody is CommonJS with a types-only default export: take the function either way.
const fastifyFormbody = ((formbodyModule as unknown as { default?: FastifyPluginCallback }).default ??
  formbodyModule) as unknown as FastifyPluginCallback;

/** The whole HTTP surface (see API.md). */
export async function buildApp(ctx: AppContext, assetsDir: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: false, bodyLimit: 4 * 1024 * 1024 });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyStatic, { root: assetsDir, prefix: "/assets/", maxAge: "1h" });

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    ctx.metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    ctx.metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const pgCode = (error as { code?: unknown }).code;
    // Invalid text for a uuid/timestamp parameter and the like: the client's input, not our fault.
    if (typeof pgCode === "string" && pgCode.startsWith("22")) {
      return reply.code(400).send({ error: "BAD_REQUEST", message: error.message });
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send({ error: error.code ?? "BAD_REQUEST", message: error.message });
    }
    console.error(`reference-lms: ${request.method} ${request.url}: ${error.stack ?? error.message}`);
    return reply.code(500).send({ error: "INTERNAL", message: "internal error; see the server log" });
  });

  app.get("/healthz", async (_request, reply) => {
    try {
      await ctx.db.query("SELECT 1");
      return { status: "ok" };
    } catch (error) {
      return reply.code(503).send({ status: "database unavailable", message: String(error) });
    }
  });
  app.get("/metrics", async (_request, reply) =>
    reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );

  authRoutes(app, ctx);
  adminRoutes(app, ctx);
  courseRoutes(app, ctx);
  launchRoutes(app, ctx);
  scormRoutes(app, ctx);
  hacpRoutes(app, ctx);
  xapiRoutes(app, ctx);
  xapiClientRoutes(app, ctx);
  return app;
}
