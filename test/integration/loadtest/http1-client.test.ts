import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../../loadtests/lib/http.ts";
import { requestHead } from "../../../loadtests/lib/http1.ts";
import { HostAllowList } from "../../../loadtests/lib/interlock.ts";
import { MetricRegistry } from "../../../loadtests/lib/metrics.ts";
import { NullSampleSink } from "../../../loadtests/lib/samples.ts";

/** Raw responses, written in pieces of a few bytes, so the parser sees every boundary cut. */
const RESPONSES: Record<string, string> = {
  "/length": "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Two: a\r\nX-Two: b\r\n\r\nhello",
  "/chunked":
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2; Path=/\r\n\r\n3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
  "/continue": "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
  "/empty": "HTTP/1.1 204 No Content\r\n\r\n",
  "/close": "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end",
  "/bad": "SMTP ready\r\n\r\n",
};

let server: net.Server;
let base: string;
const seen: string[] = [];
beforeAll(async () => {
  server = net.createServer((socket) => {
    let text = "";
    socket.on("data", async (chunk) => {
      text += chunk.toString("latin1");
      for (let end = text.indexOf("\r\n\r\n"); end >= 0; end = text.indexOf("\r\n\r\n")) {
        const head = text.slice(0, end);
        text = text.slice(end + 4);
        seen.push(head);
        const path = head.split(" ")[1] as string;
        const raw = RESPONSES[path.split("?")[0] as string] ?? RESPONSES["/length"];
        for (let i = 0; i < (raw as string).length; i += 3) {
          socket.write((raw as string).slice(i, i + 3), "latin1");
          await new Promise((r) => setImmediate(r));
        }
        if (path === "/close") socket.end();
      }
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the lean HTTP/1.1 client (plain http)", () => {
  it("reads Content-Length, chunked (extensions, trailers), 1xx, 204 and close-delimited bodies over one keep-alive connection", async () => {
    const registry = new MetricRegistry(new NullSampleSink(), () => 0);
    const client = new HttpClient(registry, { scenario: "t" }, new AbortController().signal, {
      allow: HostAllowList.ofUrls([base]),
      timeoutMs: 5000,
    });
    const get = (path: string) => client.request({ url: `${base}${path}`, name: path, keepBody: true });
    const length = await get("/length");
    expect([length.status, length.body, length.bytes, length.headers["x-two"]]).toEqual([
      200,
      "hello",
      5,
      "a, b",
    ]);
    const chunked = await get("/chunked");
    expect([chunked.status, chunked.body, chunked.headers["set-cookie"]]).toEqual([
      200,
      "abc0123456789",
      ["a=1", "b=2; Path=/"],
    ]);
    expect([(await get("/continue")).status, (await get("/continue")).body]).toEqual([201, "ok"]);
    expect([(await get("/empty")).status, (await get("/empty")).body]).toEqual([204, ""]);
    const closing = await get("/close");
    expect([closing.status, closing.body]).toEqual([200, "until the end"]);
    expect((await get("/length")).body).toBe("hello");
    const bad = await get("/bad");
    expect([bad.status, bad.error]).toEqual([0, 'bad status line "SMTP ready"']);
    const posted = await client.request({
      url: `${base}/length?x=1`,
      name: "p",
      method: "POST",
      body: "abc",
    });
    expect(posted.status).toBe(200);
    expect(seen.at(-1)).toContain("POST /length?x=1 HTTP/1.1\r\nHost: 127.0.0.1:");
    expect(seen.at(-1)).toContain("content-length: 3");
    client.close();
  }, 20_000);

  it("refuses a header that would split the request", () => {
    expect(() => requestHead("GET", "/", "h", { "x-a": "1\r\nEvil: yes" })).toThrow(/Invalid character/);
    expect(() => requestHead("GET", "/a b", "h", {})).toThrow(/unescaped/);
  });
});
