import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { runCli } from "../../helpers/cli.ts";
import { scriptArgs, useK6TestServer } from "./k6-test-server.ts";

const scripts = join(projectRoot, "test", "fixtures", "k6-scripts");
const names = readdirSync(scripts).filter((f) => f.endsWith(".ts"));
const fixture = useK6TestServer("k6-scripts-");

interface ScriptJson {
  passed: boolean;
  thresholds: { metric: string; expression: string; ok: boolean; observed: number | null }[];
}

const run = (file: string, runners: number) =>
  runCli(scriptArgs(fixture.server, join(scripts, file), ["--runners", String(runners), "--json"]), {
    env: { SANDBOX_STATE_DIR: fixture.dir },
    timeoutMs: 90_000,
  });

describe("k6-style example scripts through sandbox loadtest --script, 1 and 3 runners", () => {
  it("has a dozen scripts", () => expect(names.length).toBeGreaterThanOrEqual(12));

  for (const file of names) {
    it(`${file}: every threshold passes, with the same results on 1 and 3 runners`, async () => {
      const [one, three] = await Promise.all([run(file, 1), run(file, 3)]);
      expect(one.exitCode, one.stderr).toBe(0);
      expect(three.exitCode, three.stderr).toBe(0);
      const a = JSON.parse(one.stdout) as ScriptJson;
      const b = JSON.parse(three.stdout) as ScriptJson;
      const verdicts = (r: ScriptJson) => r.thresholds.map((t) => `${t.metric} ${t.expression} ${t.ok}`);
      expect(a.thresholds.length).toBeGreaterThan(0);
      expect(verdicts(a)).toEqual(verdicts(b));
      expect(a.thresholds.filter((t) => !t.ok)).toEqual([]);
      expect(a.passed && b.passed).toBe(true);
    }, 120_000);
  }
});
