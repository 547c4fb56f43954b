import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeSampleFiles } from "../../sandbox-cli/src/loadtest/merge.ts";
import { type LoadRunResult, loadRunResultSchema } from "../../sandbox-cli/src/loadtest/result-schema.ts";
import { buildReport, renderMarkdown } from "../../sandbox-cli/src/report/index.ts";
import { docker } from "../../sandbox-cli/src/runtime/docker.ts";
import { runCli, startCli } from "../helpers/cli.ts";
import { upWithGolfCourse } from "../helpers/lms-sandbox.ts";
import { uniqueName } from "../integration/docker-target/helpers.ts";
import { fixtureInput } from "../unit/report/fixture.ts";

// One real sandbox (reference LMS + PostgreSQL) with the hand-written SCORM 1.2 course, and load tests
// through the CLI while something breaks: a runner process SIGKILLed, the LMS container's process
// SIGKILLed (its restart policy brings it back), PostgreSQL's SIGKILLed. Traffic: 127.0.0.1 only.
const name = uniqueName("i21-load");
let stateDir: string;
let spec: string;
const env = () => ({ SANDBOX_STATE_DIR: stateDir });

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "sandbox-faults-"));
  spec = join(stateDir, "sandbox.yaml");
  await writeFile(
    spec,
    [
      `name: ${name}`,
      "owner: faults@example.com",
      "ttl: 1h",
      "candidates:",
      "  - catalog: reference-lms",
      "load: { peakLearners: 6, rampUp: 2s, duration: 40s, commitInterval: 2s, thinkTime: { min: 1s, max: 2s }, maxLearners: 20, maxDuration: 5m }",
      "",
    ].join("\n"),
  );
  await upWithGolfCourse(name, spec, env(), 500_000);
}, 600_000);

afterAll(async () => {
  await runCli(["down", "--spec", spec], { env: env(), timeoutMs: 180_000 });
  await rm(stateDir, { recursive: true, force: true });
}, 200_000);

/** the container of this sandbox whose name ends with `suffix` (never another sandbox's). */
async function containerOf(suffix: string): Promise<string> {
  const all = await docker().listContainers({ all: true, filters: { label: [`sandbox.name=${name}`] } });
  const found = all.flatMap((c) => c.Names).find((n) => n.endsWith(`-${suffix}`));
  if (!found) throw new Error(`sandbox ${name} has no container *-${suffix}`);
  return found.replace(/^\//, "");
}

/** The newest run folder of this sandbox and its files. */
async function latestRun(): Promise<{ dir: string; files: string[] }> {
  const runs = join(stateDir, "runs", name);
  const ids = (await readdir(runs)).sort();
  const dir = join(runs, ids[ids.length - 1] as string);
  return { dir, files: await readdir(dir) };
}

/** Starts `sandbox loadtest --json` in the background; `running()` resolves once its learners start. */
function startLoad(args: readonly string[]) {
  const started = Date.now();
  const load = startCli(["loadtest", "--spec", spec, "--json", ...args], { env: env() });
  return { ...load, running: () => load.until(/\[step\] \d+ learners/), started };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** pids of this state folder's runner processes with the given segment, read from /proc. */
async function runnerPids(segment: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, "utf8").catch(() => "");
    const vars = environ.split("\0");
    if (vars.includes(`LOAD_SEGMENT=${segment}`) && vars.some((v) => v.includes(stateDir)))
      pids.push(Number(entry));
  }
  return pids;
}

/** SIGKILL the main process of a container from the host: a crash, so the restart policy applies. */
async function crash(container: string): Promise<void> {
  const pid = (await docker().getContainer(container).inspect()).State.Pid;
  expect(pid).toBeGreaterThan(0);
  process.kill(pid, "SIGKILL");
}

function note(label: string, facts: Record<string, unknown>): void {
  console.info(`[fault] ${label}: ${JSON.stringify(facts)}`);
}

describe("faults under load", () => {
  it("a runner killed: the merge refuses the partial set, the run fails naming the segment, a rerun completes", async () => {
    const load = startLoad(["--runners", "3", "--learners", "6", "--duration", "20s"]);
    await load.running();
    let victims: number[] = [];
    for (let i = 0; i < 80 && victims.length === 0; i++) {
      victims = await runnerPids("2/3");
      if (!victims.length) await sleep(250);
    }
    expect(victims.length).toBeGreaterThan(0);
    await sleep(6000);
    for (const pid of victims) process.kill(pid, "SIGKILL");
    const failed = await load.child;
    note("runner killed", { exit: failed.exitCode, wallS: (Date.now() - load.started) / 1000 });
    expect(failed.exitCode).toBe(4);
    expect(load.stderr()).toContain("LOAD_RUNNER_FAILED");
    expect(load.stderr()).toContain("load runner 2/3");
    expect(JSON.parse(String(failed.stdout)).error.code).toBe("LOAD_RUNNER_FAILED");
    const { dir, files } = await latestRun();
    expect(files).not.toContain("result.json");
    // the two remaining segments are not a run: the merge says which coverage is missing
    await expect(
      mergeSampleFiles([join(dir, "samples-1.ndjson"), join(dir, "samples-3.ndjson")]),
    ).rejects.toMatchObject({
      code: "LOAD_SAMPLES_INCOMPLETE",
      message: expect.stringContaining("1/3, 3/3"),
    });
    const rerunStarted = Date.now();
    const rerun = await runCli(
      ["loadtest", "--spec", spec, "--runners", "3", "--learners", "6", "--duration", "10s", "--json"],
      {
        env: env(),
        timeoutMs: 300_000,
      },
    );
    expect([0, 1], rerun.stderr).toContain(rerun.exitCode);
    const result = loadRunResultSchema.parse(JSON.parse(rerun.stdout));
    expect(result.plan.runners).toBe(3);
    expect(result.integrity?.ok).toBe(true);
    note("runner rerun", {
      exit: rerun.exitCode,
      wallS: (Date.now() - rerunStarted) / 1000,
      integrity: result.integrity,
    });
  }, 600_000);

  for (const victim of ["reference-lms", "reference-lms-database"]) {
    it(`${victim} SIGKILLed halfway: it restarts, nothing acknowledged is lost, the report shows the outage`, async () => {
      const container = await containerOf(victim);
      const lms = await containerOf("reference-lms");
      const restartsBefore = (await docker().getContainer(container).inspect()).RestartCount;
      const lmsRestartsBefore = (await docker().getContainer(lms).inspect()).RestartCount;
      // PostgreSQL is back within about a second (crash recovery of a small database) and the LMS now rides
      // it out: with 6 learners as few as one request fell in it, under the 3 failures that make an outage
      // window. 16 learners send about 10 requests a second, so even a one-second outage is seen.
      const learners = victim === "reference-lms" ? "6" : "16";
      const load = startLoad(["--learners", learners, "--duration", "40s"]);
      await load.running();
      await sleep(18_000); // ramp (2 s) plus about a third of the hold
      const killedAt = Date.now();
      await crash(container);
      const run = await load.child;
      const wallS = (Date.now() - load.started) / 1000;
      expect([0, 1], load.stderr()).toContain(run.exitCode);
      const result: LoadRunResult = loadRunResultSchema.parse(JSON.parse(String(run.stdout)));
      const info = await docker().getContainer(container).inspect();
      const lmsRestarts = (await docker().getContainer(lms).inspect()).RestartCount - lmsRestartsBefore;
      note(`${victim} killed`, {
        exit: run.exitCode,
        wallS,
        killedAtS: (killedAt - Date.parse(result.startedAt)) / 1000,
        restarts: info.RestartCount - restartsBefore,
        lmsRestarts,
        integrity: result.integrity,
        outages: result.outages,
        failedRequests: result.metrics.http_req_failed,
      });
      expect(info.State.Running).toBe(true);
      expect(info.RestartCount).toBeGreaterThan(restartsBefore);
      // the LMS rides out its database's restart: its requests fail meanwhile, its process stays up
      if (victim !== "reference-lms") expect(lmsRestarts).toBe(0);
      // every commit the LMS acknowledged is in PostgreSQL afterwards
      expect(result.integrity?.commitsSent).toBeGreaterThan(0);
      expect(result.integrity?.ok).toBe(true);
      const window = result.outages?.find((o) => o.scenario === "learner-journey");
      expect(window, JSON.stringify(result.outages)).toBeDefined();
      expect(window?.failedRequests).toBeGreaterThan(0);
      expect(window?.recoveredS).not.toBeNull();
      expect(window?.timeToRecoverS).toBeGreaterThan(0);
      const input = await fixtureInput();
      const md = renderMarkdown(buildReport({ ...input, load: result }));
      expect(md).toContain("### Outages during the load test");
      expect(md).toMatch(/\| LMS \(learner journeys\) +\| [\d.]+ s +\| [\d.]+ s +\| [\d.]+ s +\|/);
    }, 600_000);
  }
});
