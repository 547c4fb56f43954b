import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { configFromEnv } from "../../../loadtests/lib/config.ts";

const dir = mkdtempSync(join(tmpdir(), "load-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = {
  runId: "run-1",
  samplesPath: "/tmp/s.ndjson",
  maxRunS: 60,
  scenarios: {
    "hls-viewer": {
      stages: [{ durationS: 5, target: 2 }],
      mediaBaseUrl: "http://127.0.0.1:1",
      masters: ["/m.m3u8"],
    },
  },
};

describe("runner environment", () => {
  it("reads LOAD_CONFIG and applies per-runner overrides", () => {
    const config = configFromEnv({
      LOAD_CONFIG: JSON.stringify(base),
      LOAD_SEGMENT: "2/3",
      LOAD_SAMPLES: "/out/2.ndjson",
      LOAD_START_AT_MS: "1700000000000",
    });
    expect(config).toMatchObject({
      segment: "2/3",
      samplesPath: "/out/2.ndjson",
      startAtMs: 1700000000000,
      httpTimeoutS: 30,
    });
    expect(config.scenarios["hls-viewer"]).toMatchObject({ gracefulStopS: 10, countsAsLearners: true });
  });

  it("reads LOAD_CONFIG_FILE", () => {
    const path = join(dir, "c.json");
    writeFileSync(path, JSON.stringify(base));
    expect(configFromEnv({ LOAD_CONFIG_FILE: path }).runId).toBe("run-1");
  });

  it("names each problem", () => {
    expect(() => configFromEnv({})).toThrow(
      "no configuration: set LOAD_CONFIG (JSON) or LOAD_CONFIG_FILE (a path)",
    );
    expect(() => configFromEnv({ LOAD_CONFIG: "{" })).toThrow(/not valid JSON/);
    expect(() => configFromEnv({ LOAD_CONFIG_FILE: join(dir, "missing.json") })).toThrow(
      /cannot read LOAD_CONFIG_FILE .*missing.json/,
    );
    expect(() => configFromEnv({ LOAD_CONFIG: JSON.stringify(base), LOAD_SEGMENT: "4/3" })).toThrow(
      /execution segment "4\/3" is invalid/,
    );
    expect(() => configFromEnv({ LOAD_CONFIG: JSON.stringify({ ...base, runId: "a b" }) })).toThrow(
      /runId: letters, digits/,
    );
    expect(() => configFromEnv({ LOAD_CONFIG: JSON.stringify({ ...base, scenarios: {} }) })).toThrow(
      /scenarios names none/,
    );
    expect(() =>
      configFromEnv({
        LOAD_CONFIG: JSON.stringify({
          ...base,
          scenarios: { "hls-viewer": { ...base.scenarios["hls-viewer"], mediaBaseUrl: "nope" } },
        }),
      }),
    ).toThrow(/scenarios.hls-viewer.mediaBaseUrl/);
  });
});
