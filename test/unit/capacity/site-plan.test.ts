import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseGatewayConfig } from "../../../images/site-gateway/src/config.ts";
import { DelayLine } from "../../../images/site-gateway/src/delay-line.ts";
import { maxBufferedBytes } from "../../../images/site-gateway/src/proxy.ts";
import { classifyInterfaces, inSubnet, shapingCommands } from "../../../images/site-gateway/src/shaping.ts";
import { gatewayConfig, planRoutes, siteLabels } from "../../../sandbox-cli/src/sites/plan.ts";

describe("site link planning", () => {
  it("targets keep their hostname and port; a port taken twice is remapped from 20000", () => {
    const routes = planRoutes([
      { name: "moodle", host: "sb-moodle", port: 80 },
      { name: "media", host: "sb-media", port: 80 },
      { name: "lms", host: "sb-lms", port: 8080 },
    ]);
    expect(routes.map((r) => [r.target, r.host, r.listenPort, r.upstreamPort])).toEqual([
      ["moodle", "sb-moodle", 80, 80],
      ["media", "sb-media", 20000, 80],
      ["lms", "sb-lms", 8080, 8080],
    ]);
    expect(() =>
      planRoutes([
        { name: "a", host: "h", port: 1 },
        { name: "a", host: "i", port: 2 },
      ]),
    ).toThrow('target "a" is listed twice');
  });

  it("the gateway config carries kbit/s, the subnet and upstream addresses", () => {
    const routes = planRoutes([{ name: "lms", host: "sb-lms", port: 8080 }]);
    const config = gatewayConfig(
      { downlinkMbps: 10, uplinkMbps: 4, rttMs: 40 },
      "172.30.0.0/16",
      routes,
      () => "172.18.0.5",
    );
    expect(parseGatewayConfig(JSON.stringify(config))).toEqual({
      siteSubnet: "172.30.0.0/16",
      downlinkKbit: 10_000,
      uplinkKbit: 4000,
      rttMs: 40,
      routes: [{ listenPort: 8080, upstreamHost: "172.18.0.5", upstreamPort: 8080 }],
    });
  });

  it("labels carry the sandbox identity for `sandbox down`", () => {
    expect(
      siteLabels({ name: "s1", owner: "ana", expiresAt: "2026-01-01T00:00:00Z" }, "lyon", "site-gateway"),
    ).toEqual({
      "sandbox.name": "s1",
      "sandbox.owner": "ana",
      "sandbox.expires-at": "2026-01-01T00:00:00Z",
      "sandbox.site": "lyon",
      "sandbox.role": "site-gateway",
    });
  });

  it("gateway config errors name the field", () => {
    expect(() => parseGatewayConfig(undefined)).toThrow("SITE_GATEWAY_CONFIG is not set");
    expect(() => parseGatewayConfig("{")).toThrow("is not JSON");
    expect(() =>
      parseGatewayConfig(
        JSON.stringify({ siteSubnet: "x", downlinkKbit: 1, uplinkKbit: 1, rttMs: 0, routes: [] }),
      ),
    ).toThrow(/siteSubnet: must be an IPv4 CIDR.*routes/);
  });
});

describe("gateway shaping plan", () => {
  it("finds the site-facing interface by subnet; the others face the sandbox", () => {
    expect(inSubnet("172.30.4.2", "172.30.0.0/16")).toBe(true);
    expect(inSubnet("172.31.0.2", "172.30.0.0/16")).toBe(false);
    const interfaces = classifyInterfaces(
      [
        { name: "lo", address: "127.0.0.1" },
        { name: "eth0", address: "172.30.0.3" },
        { name: "eth1", address: "172.18.0.9" },
      ],
      "172.30.0.0/16",
    );
    expect(interfaces).toEqual({ site: "eth0", sandbox: ["eth1"] });
    expect(shapingCommands(interfaces, { downlinkKbit: 4000, uplinkKbit: 100_000 })).toEqual([
      [
        "qdisc",
        "replace",
        "dev",
        "eth0",
        "root",
        "tbf",
        "rate",
        "4000kbit",
        "burst",
        "32768",
        "latency",
        "100ms",
      ],
      [
        "qdisc",
        "replace",
        "dev",
        "eth1",
        "root",
        "tbf",
        "rate",
        "100000kbit",
        "burst",
        "125000",
        "latency",
        "100ms",
      ],
    ]);
  });

  it("the delay stage holds twice a round trip of the fastest direction, within 256 KiB..8 MiB", () => {
    expect(maxBufferedBytes({ downlinkKbit: 10_000, uplinkKbit: 4000, rttMs: 40 })).toBe(256 * 1024);
    // 1000 Mbit/s x 40 ms = 5 MB per round trip: twice that is above the cap
    expect(maxBufferedBytes({ downlinkKbit: 1_000_000, uplinkKbit: 1_000_000, rttMs: 40 })).toBe(
      8 * 1024 * 1024,
    );
    expect(maxBufferedBytes({ downlinkKbit: 100_000, uplinkKbit: 40_000, rttMs: 25 })).toBe(625_000);
  });

  it("refuses to guess when no interface is in the site subnet", () => {
    expect(() => classifyInterfaces([{ name: "eth0", address: "10.0.0.2" }], "172.30.0.0/16")).toThrow(
      "expected exactly one interface in the site subnet 172.30.0.0/16, found 0 among eth0=10.0.0.2",
    );
  });
});

describe("DelayLine", () => {
  it("delivers every byte in order, no earlier than the delay, and ends the sink after the source", async () => {
    const source = new PassThrough();
    const sink = new PassThrough();
    new DelayLine(source, sink, 30);
    const received: { at: number; text: string }[] = [];
    sink.on("data", (chunk: Buffer) => received.push({ at: performance.now(), text: chunk.toString() }));
    const ended = new Promise((resolve) => sink.on("end", resolve));
    const sentAt = performance.now();
    source.write("a");
    source.write("b");
    setTimeout(() => source.end("c"), 10);
    await ended;
    expect(received.map((r) => r.text).join("")).toBe("abc");
    expect((received[0]?.at ?? 0) - sentAt).toBeGreaterThanOrEqual(29);
  });

  it("holds the first bytes until notBefore (the emulated handshake)", async () => {
    const source = new PassThrough();
    const sink = new PassThrough();
    const start = performance.now();
    new DelayLine(source, sink, 0, start + 40);
    const first = new Promise<number>((resolve) => sink.once("data", () => resolve(performance.now())));
    source.write("x");
    expect((await first) - start).toBeGreaterThanOrEqual(39);
  });

  it("pauses the source while the sink is full and too much is held, and resumes once it drains", async () => {
    const source = new PassThrough();
    const sink = new PassThrough({ highWaterMark: 4 });
    new DelayLine(source, sink, 0, 0, 16);
    for (let i = 0; i < 5; i += 1) source.write(Buffer.alloc(8));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(source.isPaused()).toBe(true);
    let total = 0;
    sink.on("data", (chunk: Buffer) => {
      total += chunk.length;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(total).toBe(40);
    expect(source.isPaused()).toBe(false);
  });
});
