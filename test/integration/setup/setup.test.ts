import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.ts";

// `npm test` runs `npm run setup` first, so by now the machine is set up: these check it for real.
describe("setup and doctor on this machine", () => {
  it("doctor --json reports every required prerequisite OK with real versions", async () => {
    const result = await runCli(["doctor", "--json"]);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: { name: string; status: string; found: string }[];
    };
    expect(report.ok).toBe(true);
    const found = Object.fromEntries(report.checks.map((c) => [c.name, c.found]));
    expect(found.pulumi).toBe("v3.248.0");
    expect(found.node).toBe(`v${process.versions.node}`);
    expect(found["docker daemon"]).toMatch(/^\d+\.\d+/);
    expect(found.ffmpeg).toMatch(/^\d+\.\d+/);
    expect(found["base image"]).toContain("sandbox/base:bookworm");
  });

  it("a second setup changes nothing: no install, no rebuild, no restart", async () => {
    const result = await runCli(["setup", "--json"], { timeoutMs: 120_000 });
    expect(result.exitCode).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.debianPackagesInstalled).toEqual([]);
    expect(summary.docker.started).toBe(false);
    expect(summary.pulumi.source).toBe("cached");
    expect(summary.baseImage.rebuilt).toBe(false);
  });

  it("unknown commands are usage errors (exit 2)", async () => {
    const result = await runCli(["no-such-command"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command");
  });
});
