import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.ts";
import { XapiError } from "../xapi/store.ts";
import { allowed, createXapiToken, xapiPrincipal } from "../xapi-auth.ts";
import { alternateRequest } from "./xapi-alternate.ts";
import { documentRoutes } from "./xapi-documents.ts";
import { resourceRoutes } from "./xapi-resources.ts";
import { statementRoutes } from "./xapi-statements.ts";

export const XAPI_VERSION = "1.0.3";
const ACCEPTED_VERSION = /^1\.0(\.\d+)?$/;

declare module "fastify" {
  interface FastifyRequest {
    xapi?: import("../xapi-auth.ts").XapiPrincipal;
  }
}

const fail = (reply: FastifyReply, status: number, message: string) =>
  reply.code(status).send({ error: status === 400 ? "BAD_REQUEST" : `HTTP_${status}`, message });

/** Which scope a request needs: statements, state or profile documents, or plain reads. */
function resourceOf(url: string): "statements" | "state" | "profile" | "read" {
  if (url === "/xapi/statements") return "statements";
  if (url === "/xapi/activities/state") return "state";
  if (url.endsWith("/profile")) return "profile";
  return "read";
}

async function guard(ctx: AppContext, request: FastifyRequest, reply: FastifyReply) {
  const url = request.routeOptions.url ?? "";
  if (url === "/xapi/about") return;
  const principal = await xapiPrincipal(ctx.db, request);
  if (!principal) {
    reply.header("WWW-Authenticate", 'Basic realm="xAPI"');
    return fail(reply, 401, "send the launch's Authorization header or an LRS client credential");
  }
  const version = request.headers["x-experience-api-version"];
  if (typeof version !== "string" || !ACCEPTED_VERSION.test(version.trim()))
    return fail(
      reply,
      400,
      version === undefined
        ? "send the X-Experience-API-Version header (1.0.3)"
        : `X-Experience-API-Version ${version} is not supported: send 1.0.3`,
    );
  const write = !["GET", "HEAD"].includes(request.method);
  if (!allowed(principal, resourceOf(url), write))
    return fail(reply, 403, "this credential's scope does not allow this request");
  request.xapi = principal;
}

export function xapiRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.register(async (xapi) => {
    // Documents are opaque bytes of any type; statements are parsed by their routes.
    xapi.removeAllContentTypeParsers();
    xapi.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: 64 * 1024 * 1024 },
      (_request, body, done) => done(null, body),
    );
    xapi.addHook("onRequest", async (_request, reply) => {
      reply.header("X-Experience-API-Version", XAPI_VERSION);
    });
    xapi.addHook("preHandler", (request, reply) => alternateRequest(xapi, request, reply));
    xapi.addHook("preHandler", (request, reply) => guard(ctx, request, reply));
    xapi.setErrorHandler((error, request, reply) => {
      if (error instanceof XapiError) return fail(reply, error.status, error.message);
      const pgCode = (error as { code?: unknown }).code;
      if (typeof pgCode === "string" && pgCode.startsWith("22")) return fail(reply, 400, error.message);
      if (error.statusCode && error.statusCode < 500) return fail(reply, error.statusCode, error.message);
      console.error(`reference-lms: ${request.method} ${request.url}: ${error.stack ?? error.message}`);
      return fail(reply, 500, "internal error; see the server log");
    });
    statementRoutes(xapi, ctx);
    documentRoutes(xapi, ctx);
    resourceRoutes(xapi, ctx);
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
