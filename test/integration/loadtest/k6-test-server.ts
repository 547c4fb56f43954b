import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** A small server on 127.0.0.1 with the endpoints the k6-style example scripts use. */
export async function startK6TestServer(): Promise<{
  url: string;
  hostPort: string;
  close(): Promise<void>;
}> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0] as string;
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (path === "/") return res.writeHead(200, { "content-type": "text/html" }).end("<h1>hello</h1>");
      if (path === "/json") return json(200, { items: [1, 2, 3] });
      if (path === "/login") {
        res.setHeader("set-cookie", "sid=abc; Path=/; HttpOnly");
        return json(200, { ok: true });
      }
      if (path === "/me") return json(200, { cookie: req.headers.cookie ?? "" });
      if (path === "/echo")
        return json(200, { method: req.method, body, contentType: req.headers["content-type"] ?? "" });
      if (path === "/basic") {
        const ok = req.headers.authorization === `Basic ${Buffer.from("ada:lovelace").toString("base64")}`;
        return json(ok ? 200 : 401, { ok });
      }
      if (path === "/redirect") return res.writeHead(302, { location: "/json" }).end();
      const status = /^\/status\/(\d{3})$/.exec(path)?.[1];
      if (status) return json(Number(status), { status: Number(status) });
      json(404, { error: "no such path" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** For one test file: the test server and a folder of its own, started before its tests and removed after. */
export function useK6TestServer(prefix: string) {
  const fixture = { server: undefined as unknown as Awaited<ReturnType<typeof startK6TestServer>>, dir: "" };
  beforeAll(async () => {
    fixture.server = await startK6TestServer();
    fixture.dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await fixture.server?.close();
    if (fixture.dir) rmSync(fixture.dir, { recursive: true, force: true });
  });
  return fixture;
}

/** `sandbox loadtest --script FILE` against the test server (BASE_URL in __ENV), plus more arguments. */
export const scriptArgs = (
  server: { hostPort: string; url: string },
  script: string,
  more: readonly string[] = [],
) => [
  "loadtest",
  "--script",
  script,
  "--allow-host",
  server.hostPort,
  "--env",
  `BASE_URL=${server.url}`,
  ...more,
];
