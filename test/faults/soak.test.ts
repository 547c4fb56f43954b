import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadRunResultSchema } from "../../sandbox-cli/src/loadtest/result-schema.ts";
import { buildReport, renderMarkdown } from "../../sandbox-cli/src/report/index.ts";
import { runCli, startCli } from "../helpers/cli.ts";
import { upWithGolfCourse } from "../helpers/lms-sandbox.ts";
import { descendants, uniqueName } from "../integration/docker-target/helpers.ts";
import { fixtureInput } from "../unit/report/fixture.ts";

// Soak: a steady learner count for SANDBOX_FAULTS_SOAK_MINUTES (20 for the real soak; shorter to try it),
// with two runners, then: nothing acknowledged lost, the report renders, and the memory slope (least
// squares, MB per minute, over the hold after its first minute) of each container of the sandbox (the
// run's resource samples), of the CLI and of each runner process (their RSS, read from /proc every 10 s)
// is printed and stays under a bound.
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
  // a first up on a busy machine builds the images too
  await upWithGolfCourse(name, spec, env(), 1_100_000);
}, 1_200_000);

afterAll(async () => {
  if (!minutes) return;
  await runCli(["down", "--spec", spec], { env: env(), timeoutMs: 180_000 });
  await rm(stateDir, { recursive: true, force: true });
}, 200_000);

/** RSS of a process in MB, from /proc (undefined once it is gone). */
async function rssMb(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) / 1024;
}

/** Samples the RSS of the CLI and of its runner processes (those with LOAD_SEGMENT) every `everyMs`. */
function sampleProcesses(cliPid: number, everyMs: number) {
  const started = Date.now();
  const series = new Map<string, { x: number; y: number }[]>();
  const add = (key: string, mb: number | undefined) => {
    if (mb === undefined) return;
    const list = series.get(key) ?? [];
    list.push({ x: (Date.now() - started) / 60_000, y: mb });
    series.set(key, list);
  };
  const round = async () => {
    add("cli", await rssMb(cliPid));
    for (const pid of await descendants(cliPid)) {
      const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
      const segment = /(?:^|\0)LOAD_SEGMENT=([^\0]+)/.exec(environ)?.[1];
      if (segment) add(`runner ${segment}`, await rssMb(pid));
    }
  };
  const timer = setInterval(() => void round(), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return series;
    },
  };
}

describe.skipIf(!minutes)("soak (SANDBOX_FAULTS_SOAK_MINUTES)", () => {
  it(
    "holds a steady load: nothing lost, report renders, memory slope bounded",
    async () => {
      const load = startCli(["loadtest", "--spec", spec, "--runners", "2", "--json"], {
        env: env(),
        timeoutMs: (minutes * 60 + 300) * 1000,
      });
      const processes = sampleProcesses(load.child.pid as number, 10_000);
      const run = await load.child;
      const rss = processes.stop();
      expect([0, 1], load.stderr()).toContain(run.exitCode);
      const result = loadRunResultSchema.parse(JSON.parse(String(run.stdout)));
      expect(result.integrity?.ok).toBe(true);
      const heldFromS = result.plan.rampUpS + 60;
      const containers = result.resources.map((r) => {
        const held = r.samples.filter((s) => s.t >= heldFromS);
        return {
          of: r.container,
          mbPerMinute: slope(held.map((s) => ({ x: s.t / 60, y: s.memoryBytes / 1024 / 1024 }))),
          firstMb: (held[0]?.memoryBytes ?? 0) / 1024 / 1024,
          lastMb: (held[held.length - 1]?.memoryBytes ?? 0) / 1024 / 1024,
        };
      });
      const hostProcesses = [...rss].map(([of, points]) => {
        const held = points.filter((p) => p.x * 60 >= heldFromS);
        return {
          of,
          mbPerMinute: slope(held),
          firstMb: held[0]?.y ?? 0,
          lastMb: held[held.length - 1]?.y ?? 0,
        };
      });
      const slopes = [...containers, ...hostProcesses];
      console.info(
        `[fault] soak ${minutes} min: ${JSON.stringify({ exit: run.exitCode, integrity: result.integrity, failed: result.metrics.http_req_failed, outages: result.outages, slopes })}`,
      );
      expect(hostProcesses.map((p) => p.of).sort()).toEqual(["cli", "runner 1/2", "runner 2/2"]);
      // bounded: under 2 MB per minute (40 MB over the 20-minute soak) for every container and process
      for (const s of slopes) expect(s.mbPerMinute, s.of).toBeLessThan(2);
      const md = renderMarkdown(buildReport({ ...(await fixtureInput()), load: result }));
      expect(md).toContain("## Load test");
    },
    40 * 60_000,
  );
});
