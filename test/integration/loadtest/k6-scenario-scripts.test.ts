import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { runCli } from "../../helpers/cli.ts";
import { makeHlsLadder, type StaticServer, serveDirectory } from "./hls-fixture.ts";

const ladder = join(process.cwd(), "test-artifacts", "hls-ladder-8s");
let server: StaticServer;
let state: string;
beforeAll(async () => {
  await makeHlsLadder(ladder, 8);
  server = await serveDirectory(ladder);
  state = mkdtempSync(join(tmpdir(), "k6-scenarios-"));
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (state) rmSync(state, { recursive: true, force: true });
});

interface ScriptJson {
  thresholds: { metric: string; expression: string; ok: boolean }[];
  metrics: Record<string, { values: Record<string, number> }>;
}

describe("the built-in HLS viewer as a script (loadtests/scenarios/hls-viewer.ts)", () => {
  it("plays the ladder at pace on 1 and 3 runners, judging the same thresholds", async () => {
    const run = (runners: number) =>
      runCli(
        [
          "loadtest",
          "--script",
          join(projectRoot, "loadtests", "scenarios", "hls-viewer.ts"),
          "--allow-host",
          new URL(server.url).host,
          "--env",
          `MASTER_URL=${server.url}/master.m3u8`,
          "--env",
          "VIEWERS=3",
          "--env",
          "RAMP=1s",
          "--env",
          "DURATION=6s",
          "--runners",
          String(runners),
          "--json",
        ],
        { env: { SANDBOX_STATE_DIR: state }, timeoutMs: 90_000 },
      );
    const [one, three] = await Promise.all([run(1), run(3)]);
    // 0 or 1: the verdicts are timings of a loaded machine, so only what was judged is compared
    expect([0, 1], one.stderr).toContain(one.exitCode);
    expect([0, 1], three.stderr).toContain(three.exitCode);
    const a = JSON.parse(one.stdout) as ScriptJson;
    const b = JSON.parse(three.stdout) as ScriptJson;
    const judged = (r: ScriptJson) => r.thresholds.map((t) => `${t.metric} ${t.expression}`);
    expect(judged(a)).toEqual(judged(b));
    expect(judged(a)).toContain("checks{check:segment 200} rate>0.99");
    expect(a.metrics.hls_time_to_first_frame?.values["p(95)"]).toBeGreaterThan(0);
    expect(b.metrics.hls_segment_fetch_time?.values.avg).toBeGreaterThan(0);
  }, 150_000);
});
