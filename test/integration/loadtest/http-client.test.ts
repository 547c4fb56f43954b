import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../../loadtests/lib/http.ts";
import { HostAllowList, HostNotAllowedError } from "../../../loadtests/lib/interlock.ts";
import { MetricRegistry } from "../../../loadtests/lib/metrics.ts";
import { NullSampleSink } from "../../../loadtests/lib/samples.ts";
import { AbortedError } from "../../../loadtests/lib/sleep.ts";

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/slow") setTimeout(() => res.end("late"), 3000);
    else res.writeHead(req.url === "/missing" ? 404 : 200).end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("the learners' HTTP client", () => {
  it("records status, failure rate and bytes; times out a silent server; aborts with the VU", async () => {
    const registry = new MetricRegistry(new NullSampleSink(), () => 0);
    const lifetime = new AbortController();
    const client = new HttpClient(registry, { scenario: "t" }, lifetime.signal, {
      allow: HostAllowList.ofUrls([base]),
      timeoutMs: 400,
    });
    const otherPort = `http://127.0.0.1:${Number(new URL(base).port) + 1}/x`;
    await expect(client.request({ url: otherPort, name: "x" })).rejects.toBeInstanceOf(HostNotAllowedError);
    const ok = await client.request({ url: `${base}/a`, name: "a", keepBody: true });
    expect([ok.status, ok.body, ok.bytes]).toEqual([200, "ok", 2]);
    expect((await client.request({ url: `${base}/missing`, name: "m" })).status).toBe(404);
    const slow = await client.request({ url: `${base}/slow`, name: "s" });
    expect([slow.status, slow.error]).toEqual([0, "timed out after 400 ms"]);
    const pending = client.request({ url: `${base}/slow`, name: "s" });
    lifetime.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    client.close();
    const summary = registry.summaries(1);
    expect(summary.http_reqs).toEqual({ type: "counter", values: { count: 3, rate: 3 } });
    expect(summary.http_req_failed).toEqual({ type: "rate", values: { passes: 2, fails: 1, rate: 2 / 3 } });
  }, 15_000);
});
