import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "k6-refusals-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sandbox loadtest --script refuses what it cannot run, before the run", () => {
  for (const module of ["k6/browser", "k6/net/grpc", "k6/ws"]) {
    it(`an import of ${module}: exit 2, naming it`, async () => {
      const script = join(dir, `${module.replace(/\//g, "-")}.js`);
      writeFileSync(script, `import * as m from "${module}";\nexport default function () { void m; }\n`);
      const state = join(dir, `state-${module.replace(/\//g, "-")}`);
      const result = await runCli(["loadtest", "--script", script, "--allow-host", "127.0.0.1:9"], {
        env: { SANDBOX_STATE_DIR: state },
      });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`the script imports "${module}", which this engine does not support`);
      expect(existsSync(join(state, "runs"))).toBe(false);
    });
  }

  it("an --allow-host that is not HOST:PORT, and --out without --script: exit 2", async () => {
    const bad = await runCli(["loadtest", "--script", "x.js", "--allow-host", "example.com"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--allow-host "example.com" is not HOST:PORT/);
    const out = await runCli(["loadtest", "--out", "json=x.json"]);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toMatch(/--out applies to a --script run/);
  });
});
