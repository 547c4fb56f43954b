import type http from "node:http";
import https from "node:https";
import type { Http1Headers } from "./http1.ts";

/** One request's state while it is in flight. */
export interface Exchange {
  start: number;
  responseAt: number;
  bytes: number;
  readonly chunks: Buffer[];
  settled: boolean;
  finish(status: number, body: string, source?: http.IncomingMessage | Http1Headers, error?: string): void;
  connected(connectMs: number): void;
}

/** A request over https on node:https (TLS); plain http goes through the lean client (http1.ts). */
export function sendOverHttps(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  options: { agent: https.Agent; keepBody: boolean | undefined },
  x: Exchange,
): { destroy(error: Error): void } {
  const request = https.request(
    {
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method,
      headers,
      agent: options.agent,
    },
    (res) => {
      x.responseAt = performance.now();
      res.on("data", (chunk: Buffer) => {
        x.bytes += chunk.length;
        if (options.keepBody) x.chunks.push(chunk);
      });
      res.on("end", () =>
        x.finish(res.statusCode ?? 0, options.keepBody ? Buffer.concat(x.chunks).toString("utf8") : "", res),
      );
      res.on("error", (error) => x.finish(0, "", undefined, error.message));
    },
  );
  request.on("socket", (socket) => {
    // A fresh connection: the request is "sent" once connected (k6 keeps connecting out of the duration).
    if (!socket.connecting) return;
    const connectStart = performance.now();
    socket.once("connect", () => x.connected(performance.now() - connectStart));
  });
  request.on("error", (error) => x.finish(0, "", undefined, error.message));
  request.end(body);
  return { destroy: (error: Error) => request.destroy(error) };
}
