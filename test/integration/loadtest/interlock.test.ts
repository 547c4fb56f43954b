import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunnerConfig } from "../../../loadtests/lib/config.ts";
import { HostAllowList, HostNotAllowedError, parseHostPort } from "../../../loadtests/lib/interlock.ts";
import { runFromConfig } from "../../../loadtests/lib/run-config.ts";

/** A documentation address (TEST-NET-2): what a hostile course's playlist might point at. */
const EXTERNAL = "198.51.100.7:8080";
const files: Record<string, string> = {
  // variant 0 (highest bandwidth, the one an unshaped player picks) is outside the sandbox
  "/a/master.m3u8": `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=5000000\nhttp://${EXTERNAL}/a/720p.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n360p.m3u8\n`,
  "/b/master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n360p.m3u8\n",
  // a local media playlist whose first segment URI is absolute and external
  "/b/360p.m3u8": `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nhttp://${EXTERNAL}/b/seg0.ts\n#EXTINF:1.0,\nseg1.ts\n#EXT-X-ENDLIST\n`,
  "/b/seg1.ts": "x".repeat(1000),
};

let server: http.Server;
let base: string;
const served: string[] = [];
/** every outgoing connection the process attempts (the guard refuses any off 127.0.0.1 before it opens). */
const attempts: string[] = [];
const originalConnect = net.Socket.prototype.connect;

beforeAll(async () => {
  // A guard of the test itself: even a broken interlock could not send anything off 127.0.0.1.
  net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: unknown[]) {
    // net.connect hands over its normalized arguments ([options, callback]) as the first argument
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options = first as { host?: string; port?: number } | undefined;
    const host = typeof options === "object" && options ? options.host : undefined;
    attempts.push(`${host}:${options?.port}`);
    if (host !== "127.0.0.1" && host !== "localhost")
      throw new Error(`test guard: refused a connection to ${host}`);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  server = http.createServer((req, res) => {
    served.push(req.url ?? "");
    const body = files[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200).end(body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  net.Socket.prototype.connect = originalConnect;
  server.closeAllConnections();
  server.close();
});

describe("the engine's network interlock", () => {
  it("parses HOST:PORT and refuses other ports, hosts and schemes", () => {
    const allow = new HostAllowList([parseHostPort("localhost:8080")]);
    expect(allow.hosts).toEqual(["127.0.0.1:8080"]);
    expect(() => allow.check(new URL("http://127.0.0.1:8080/x"))).not.toThrow();
    expect(() => allow.check(new URL("http://127.0.0.1:8081/x"))).toThrow(/127.0.0.1:8081 refused/);
    expect(() => allow.check(new URL("file:///etc/passwd"))).toThrow(HostNotAllowedError);
    expect(() => parseHostPort("example.com")).toThrow(/not HOST:PORT: write e.g. 127.0.0.1:8080/);
  });

  it("never sends a playlist's external variant or segment URI, and names its host", async () => {
    const work = mkdtempSync(join(tmpdir(), "interlock-"));
    const errors: unknown[] = [];
    try {
      const config = parseRunnerConfig({
        runId: "it-interlock",
        samplesPath: join(work, "samples.ndjson"),
        maxRunS: 15,
        scenarios: {
          "hls-viewer": {
            stages: [
              { durationS: 0, target: 2 },
              { durationS: 2, target: 2 },
            ],
            gracefulRampDownS: 1,
            gracefulStopS: 1,
            mediaBaseUrl: base,
            masters: ["/a/master.m3u8", "/b/master.m3u8"],
          },
        },
      });
      const summary = await runFromConfig(config, (_scenario, _vu, error) => errors.push(error));
      expect(served).toContain("/a/master.m3u8");
      expect(served).toContain("/b/360p.m3u8");
      expect(served.some((url) => url.includes("seg0") || url.includes("720p"))).toBe(false);
      expect(attempts.every((a) => a.startsWith("127.0.0.1:"))).toBe(true);
      const refused = errors.filter((e): e is HostNotAllowedError => e instanceof HostNotAllowedError);
      expect(refused.length).toBeGreaterThan(0);
      expect(new Set(refused.map((e) => e.hostPort))).toEqual(new Set([EXTERNAL]));
      expect(refused[0]?.message).toMatch(/198\.51\.100\.7:8080 refused.*--allow-host/);
      expect(summary.metrics.iteration_errors?.type).toBe("counter");
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 30_000);
});
