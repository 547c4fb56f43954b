import { describe, expect, it } from "vitest";
import { isSandboxError } from "../../../sandbox-cli/src/errors.ts";
import { parseLoadtestFlags } from "../../../sandbox-cli/src/loadtest/options.ts";
import { resourceSample } from "../../../sandbox-cli/src/loadtest/resources.ts";
import { checkTargets } from "../../../sandbox-cli/src/loadtest/safety.ts";

const owned = {
  sandbox: "demo",
  loopbackPorts: [18080, 18081],
  hostnames: ["sandbox-demo-lms", "lms", "media"],
};
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    if (isSandboxError(error)) return `${error.exitCode} ${error.code}: ${error.message} | ${error.hint}`;
    throw error;
  }
  return "accepted";
};

describe("safety interlock", () => {
  it("accepts the sandbox's published loopback ports and its own hostnames", () => {
    expect(
      refusal(() =>
        checkTargets(["http://127.0.0.1:18080", "http://localhost:18081/x", "http://media:8080"], owned),
      ),
    ).toBe("accepted");
  });

  it("refuses anything else with exit 2", () => {
    expect(refusal(() => checkTargets(["http://127.0.0.1:9999"], owned))).toBe(
      '2 LOAD_TARGET_NOT_OWNED: http://127.0.0.1:9999 does not belong to sandbox "demo" (its ports on 127.0.0.1: 18080, 18081) | load only the sandbox\'s own services (`sandbox status`), or pass --target-url URL --i-own-this-target for a server you own',
    );
    expect(refusal(() => checkTargets(["http://10.1.2.3:18080"], owned))).toMatch(/^2 LOAD_TARGET_NOT_OWNED/);
    expect(refusal(() => checkTargets(["ftp://127.0.0.1:18080"], owned))).toMatch(
      /^2 LOAD_BAD_TARGET_URL: "ftp:\/\/127.0.0.1:18080" is not an http\(s\) URL/,
    );
  });

  it("lets an explicit target through only with --i-own-this-target", () => {
    const url = "http://127.0.0.1:9999";
    expect(refusal(() => checkTargets([url], owned, { targetUrl: url }))).toMatch(
      /^2 LOAD_TARGET_NOT_CONFIRMED: --target-url http:\/\/127.0.0.1:9999 points the load at a server outside the sandbox \| add --i-own-this-target/,
    );
    expect(refusal(() => checkTargets([url], owned, { targetUrl: url, iOwnThisTarget: true }))).toBe(
      "accepted",
    );
    // confirming one server does not open another
    expect(
      refusal(() => checkTargets(["http://127.0.0.1:7777"], owned, { targetUrl: url, iOwnThisTarget: true })),
    ).toMatch(/LOAD_TARGET_NOT_OWNED/);
  });
});

describe("loadtest flags", () => {
  it("parses durations and numbers, and names the bad one", () => {
    expect(parseLoadtestFlags({ learners: "20", ramp: "30s", duration: "2m", runners: "3" })).toMatchObject({
      learners: 20,
      ramp: 30,
      duration: 120,
      runners: 3,
      spec: "sandbox.yaml",
    });
    expect(refusal(() => parseLoadtestFlags({ duration: "2 minutes" }))).toMatch(
      /^2 LOAD_BAD_FLAG: --duration "2 minutes" is not a duration: write e.g. --duration 90s, 5m/,
    );
    expect(refusal(() => parseLoadtestFlags({ runners: "-1" }))).toMatch(/--runners must be a whole number/);
    expect(refusal(() => parseLoadtestFlags({ mode: "cloud" }))).toMatch(
      /--mode must be local, containers or jobs/,
    );
    expect(refusal(() => parseLoadtestFlags({ targetUrl: "example" }))).toMatch(
      /--target-url must be a full URL/,
    );
    expect(refusal(() => parseLoadtestFlags({ iOwnThisTarget: true }))).toMatch(
      /--i-own-this-target confirms a --target-url/,
    );
  });
});

describe("resource samples from raw Docker stats counters", () => {
  const stats = (read: string, usage: number, memory: number, rx: number, tx: number) => ({
    read,
    cpu_stats: { cpu_usage: { total_usage: usage } },
    memory_stats: { usage: memory, stats: { total_inactive_file: 1000 } },
    networks: { eth0: { rx_bytes: rx, tx_bytes: tx }, eth1: { rx_bytes: 1, tx_bytes: 1 } },
  });

  it("turns CPU nanoseconds over wall time into cores, drops page cache, sums interfaces", () => {
    const start = Date.parse("2026-11-29T10:00:00.000Z");
    const a = stats("2026-11-29T10:00:01.000Z", 5e9, 50_000, 100, 200);
    const b = stats("2026-11-29T10:00:03.000Z", 8e9, 61_000, 1100, 5200);
    expect(resourceSample(a, b, start)).toEqual({
      t: 3,
      cpuCores: 1.5,
      memoryBytes: 60_000,
      rxBytes: 1101,
      txBytes: 5201,
    });
    expect(resourceSample(undefined, a, start).cpuCores).toBe(0);
  });
});
