import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { XapiError } from "../xapi/store.ts";

/**
 * The alternate request syntax (xAPI 1.0.3 part 3, 1.3): a POST with `?method=M` and a form body
 * holding the headers, the `content` and the other parameters, for clients that cannot send
 * custom headers or methods (older TinCanJS content). It is answered as the request it stands for.
 */

const METHODS = new Set(["GET", "HEAD", "PUT", "POST", "DELETE"]);
const HEADER_FIELDS = new Set([
  "authorization",
  "x-experience-api-version",
  "content-type",
  "content-length",
  "if-match",
  "if-none-match",
]);

export async function alternateRequest(xapi: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  const query = request.query as Record<string, string>;
  if (request.method !== "POST" || query.method === undefined) return;
  const method = query.method.toUpperCase();
  if (!METHODS.has(method))
    throw new XapiError(400, `method=${query.method} is not GET, HEAD, PUT, POST or DELETE`);
  const others = Object.keys(query).filter((name) => name !== "method");
  if (others.length > 0)
    throw new XapiError(
      400,
      `with method=, put ${others.join(", ")} in the form body, not in the query string`,
    );
  if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers["content-type"] ?? ""))
    throw new XapiError(
      400,
      "the alternate request syntax needs Content-Type application/x-www-form-urlencoded",
    );
  const form = new URLSearchParams(Buffer.isBuffer(request.body) ? request.body.toString("utf8") : "");
  const headers: Record<string, string> = {};
  const params = new URLSearchParams();
  let content: string | undefined;
  for (const [name, value] of form) {
    const lower = name.toLowerCase();
    if (lower === "content") content = value;
    else if (HEADER_FIELDS.has(lower)) headers[lower] = value;
    else params.append(name, value);
  }
  delete headers["content-length"];
  if (request.headers.host) headers.host = request.headers.host;
  const path = request.url.split("?")[0] ?? "/xapi/";
  const inner = await xapi.inject({
    method: method as "GET",
    url: params.size > 0 ? `${path}?${params}` : path,
    headers,
    ...(content !== undefined ? { payload: content } : {}),
  });
  for (const [name, value] of Object.entries(inner.headers))
    if (value !== undefined && !["content-length", "connection", "transfer-encoding", "date"].includes(name))
      reply.header(name, value);
  return reply.code(inner.statusCode).send(inner.rawPayload);
}
