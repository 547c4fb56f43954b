import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { runCli } from "../../helpers/cli.ts";
import { scriptArgs, useK6TestServer } from "./k6-test-server.ts";

const script = join(projectRoot, "test", "fixtures", "k6-scripts", "abort", "abort-on-fail.ts");
const fixture = useK6TestServer("k6-abort-");

interface AbortJson {
  passed: boolean;
  elapsedS: number;
  abortedByThreshold: { metric: string; expression: string; observed: number; atS: number } | null;
  thresholds: { metric: string; expression: string; ok: boolean; observed: number | null }[];
}

const run = (runners: number, env: Record<string, string>, json = true) =>
  runCli(
    scriptArgs(fixture.server, script, [
      ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
      "--runners",
      String(runners),
      ...(json ? ["--json"] : []),
    ]),
    { env: { SANDBOX_STATE_DIR: fixture.dir }, timeoutMs: 90_000 },
  );

describe("abortOnFail with delayAbortEval, judged during the run over every runner's samples", () => {
  it("a threshold that fails early stops a 30 s test within seconds, on 3 runners, exit 1", async () => {
    const result = await run(3, { DURATION: "30s" });
    expect(result.exitCode, result.stderr).toBe(1);
    const out = JSON.parse(result.stdout) as AbortJson;
    expect(out.passed).toBe(false);
    expect(out.abortedByThreshold).toMatchObject({
      metric: "http_req_failed",
      expression: "rate<0.3",
      observed: 1,
    });
    // bounds for a busy shared machine: the runners start late there, still far from the 30 s plan
    expect(out.abortedByThreshold?.atS).toBeLessThan(15);
    expect(out.elapsedS).toBeLessThan(20);
    expect(result.stderr).toContain("thresholds on metrics 'http_req_failed' were crossed");
    const teardown = out.thresholds.find((t) => t.metric === "teardowns");
    expect(teardown).toMatchObject({ observed: 1, ok: true });
  }, 100_000);

  it("delayAbortEval postpones the abort: not before 6 s, still well before the end", async () => {
    const result = await run(2, { DURATION: "30s", DELAY: "6s" }, false);
    expect(result.exitCode, result.stderr).toBe(1);
    const line = /test aborted at ([\d.]+)s: thresholds on metrics 'http_req_failed' were crossed/.exec(
      result.stdout,
    );
    expect(line, result.stdout).not.toBeNull();
    const atS = Number(line?.[1]);
    expect(atS).toBeGreaterThanOrEqual(6);
    expect(atS).toBeLessThan(20);
    expect(result.stdout).toMatch(/✗ http_req_failed\.+: 100\.00%/);
  }, 100_000);

  it("a passing threshold does not abort: the test runs its whole duration, exit 0", async () => {
    const result = await run(2, { DURATION: "4s", FAIL_VUS: "0" });
    expect(result.exitCode, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as AbortJson;
    expect(out.abortedByThreshold).toBeNull();
    expect(out.passed).toBe(true);
    expect(out.elapsedS).toBeGreaterThanOrEqual(4);
  }, 100_000);

  it("judges the merged samples, not one runner's: 1 failing VU of 4 is 25% (runner 1 alone sees 50%)", async () => {
    const result = await run(2, { DURATION: "4s", FAIL_VUS: "1", THRESHOLD: "rate<0.4" });
    expect(result.exitCode, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as AbortJson;
    expect(out.abortedByThreshold).toBeNull();
    const failed = out.thresholds.find((t) => t.metric === "http_req_failed");
    expect(failed?.observed).toBeGreaterThan(0.15);
    expect(failed?.observed).toBeLessThan(0.35);
    expect(out.elapsedS).toBeGreaterThanOrEqual(4);
  }, 100_000);
});
