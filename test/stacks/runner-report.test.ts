import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRunnerReport, runnerEnv, runnerReportScript } from "../../stacks/kubernetes/runner-report.ts";

let dir = "";
const SAMPLES = Array.from({ length: 500 }, (_, i) => JSON.stringify({ t: i, ms: i % 17 })).join("\n");

/** A stand-in runner: writes what the real one writes to LOAD_SUMMARY and LOAD_SAMPLES, then exits `code`. */
async function fakeRunner(code: number, writes: boolean): Promise<string> {
  const path = join(dir, `runner-${code}-${writes}.cjs`);
  await writeFile(
    path,
    writes
      ? `const fs = require("fs");
         fs.writeFileSync(process.env.LOAD_SUMMARY, JSON.stringify({ segment: process.env.LOAD_SEGMENT }));
         fs.writeFileSync(process.env.LOAD_SAMPLES, ${JSON.stringify(SAMPLES)});
         console.error("runner noise on stderr");
         process.exit(${code});`
      : `process.exit(${code});`,
  );
  return path;
}

/** Runs the Job's script with the real sh, gzip and base64, as the container does; returns its output. */
function runScript(runner: string): string {
  // each runner pod has its own empty output folder
  const out = mkdtempSync(join(dir, "out-"));
  const env = Object.fromEntries(runnerEnv("2/3", out).map((e) => [e.name, e.value]));
  try {
    return execFileSync("sh", ["-c", runnerReportScript(runner, out)], {
      env: { ...process.env, ...env },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? "");
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "runner-report-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a runner Job's report in its log", () => {
  it("carries the summary and every raw sample back, byte for byte", async () => {
    const report = parseRunnerReport(`some earlier log line\n${runScript(await fakeRunner(0, true))}`);
    expect(report.exitCode).toBe(0);
    expect(JSON.parse(report.summary)).toEqual({ segment: "2/3" });
    expect(report.samples).toBe(SAMPLES);
  });

  it("keeps the runner's exit code", async () => {
    expect(parseRunnerReport(runScript(await fakeRunner(4, true))).exitCode).toBe(4);
  });

  it("refuses a runner that left nothing, a log without a report and a cut log", async () => {
    const nothing = runScript(await fakeRunner(4, false));
    expect(() => parseRunnerReport(nothing)).toThrow("the runner left no summary (it exited 4)");
    expect(() => parseRunnerReport("OOMKilled\n")).toThrow(/has no report/);
    const full = runScript(await fakeRunner(0, true));
    expect(() => parseRunnerReport(full.slice(0, full.length / 2))).toThrow(/cut short/);
  });
});
