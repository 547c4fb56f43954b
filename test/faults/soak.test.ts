import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRunResultSchema } from "../../sandbox-cli/src/loadtest/result-schema.ts";
import { buildReport, renderMarkdown } from "../../sandbox-cli/src/report/index.ts";
import { runCli } from "../helpers/cli.ts";
import { upWithGolfCourse } from "../helpers/lms-sandbox.ts";
import { uniqueName } from "../integration/docker-target/helpers.ts";
import { fixtureInput } from "../unit/report/fixture.ts";

// Soak: a steady learner count for SANDBOX_FAULTS_SOAK_MINUTES (20 for the real soak; shorter to try it),
// then: nothing acknowledged lost, the report renders, and each container's memory slope (least squares
// over the run's resource samples, MB per minute) is printed and stays under a bound.
const minutes = Number(process.env.SANDBOX_FAULTS_SOAK_MINUTES ?? 0);
const name = uniqueName("i21-soak");
let stateDir: string;
let spec: string;
const env = () => ({ SANDBOX_STATE_DIR: stateDir });

/** least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

beforeAll(async () => {
  if (!minutes) return;
  stateDir = await mkdtemp(join(tmpdir(), "sandbox-soak-"));
  spec = join(stateDir, "sandbox.yaml");
  await writeFile(
    spec,
    `name: ${name}\nowner: faults@example.com\nttl: 2h\ncandidates:\n  - catalog: reference-lms\nload: { peakLearners: 8, rampUp: 10s, duration: ${minutes}m, commitInterval: 3s, maxLearners: 20, maxDuration: 30m }\n`,
  );
  await upWithGolfCourse(name, spec, env(), 500_000);
}, 600_000);

afterAll(async () => {
  if (!minutes) return;
  await runCli(["down", "--spec", spec], { env: env(), timeoutMs: 180_000 });
  await rm(stateDir, { recursive: true, force: true });
}, 200_000);

describe.skipIf(!minutes)("soak (SANDBOX_FAULTS_SOAK_MINUTES)", () => {
  it(
    "holds a steady load: nothing lost, report renders, memory slope bounded",
    async () => {
      const run = await runCli(["loadtest", "--spec", spec, "--json"], {
        env: env(),
        timeoutMs: (minutes * 60 + 300) * 1000,
      });
      expect([0, 1], run.stderr).toContain(run.exitCode);
      const result = loadRunResultSchema.parse(JSON.parse(run.stdout));
      expect(result.integrity?.ok).toBe(true);
      const slopes = result.resources.map((r) => {
        const held = r.samples.filter((s) => s.t >= result.plan.rampUpS);
        return {
          container: r.container,
          mbPerMinute: slope(held.map((s) => ({ x: s.t / 60, y: s.memoryBytes / 1024 / 1024 }))),
          firstMb: (held[0]?.memoryBytes ?? 0) / 1024 / 1024,
          lastMb: (held[held.length - 1]?.memoryBytes ?? 0) / 1024 / 1024,
        };
      });
      console.info(`[fault] soak ${minutes} min: ${JSON.stringify({ integrity: result.integrity, slopes })}`);
      // bounded: under 2 MB per minute (40 MB over the 20-minute soak) for every container of the sandbox
      for (const s of slopes) expect(s.mbPerMinute, s.container).toBeLessThan(2);
      const md = renderMarkdown(buildReport({ ...(await fixtureInput()), load: result }));
      expect(md).toContain("## Load test");
    },
    40 * 60_000,
  );
});
