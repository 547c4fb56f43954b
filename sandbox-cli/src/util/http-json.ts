import http from "node:http";
import https from "node:https";

export interface JsonReply {
  status: number;
  body: string;
  cookies: string[];
}

/** One JSON request with node:http (fetch's pooled connections misbehaved behind docker-proxy here). */
export function jsonRequest(
  method: string,
  url: URL,
  body: unknown,
  cookie: string | undefined,
  contentType = "application/json",
): Promise<JsonReply> {
  const payload =
    body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(
      url,
      {
        method,
        timeout: 60_000,
        headers: {
          ...(payload ? { "content-type": contentType, "content-length": String(payload.length) } : {}),
          ...(cookie ? { cookie } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            cookies: [res.headers["set-cookie"] ?? []].flat(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 60 s")));
    req.on("error", reject);
    req.end(payload);
  });
}
