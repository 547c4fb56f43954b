import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelledObjects } from "../../sandbox-cli/src/engine/index.ts";
import { loadRunResultSchema } from "../../sandbox-cli/src/loadtest/result-schema.ts";
import { docker } from "../../sandbox-cli/src/runtime/docker.ts";
import { type CliResult, runCli, startCli } from "../helpers/cli.ts";
import { installGolfCourse, lmsUrlOf } from "../helpers/lms-sandbox.ts";
import { uniqueName } from "../integration/docker-target/helpers.ts";

// Two trainers on one machine and one state folder, each with a reference LMS: their `up`, `loadtest`
// and `down` run at the same time; each finishes, neither sees (status, load targets, sampled containers,
// run folders) nor removes the other's objects, and a second `up` of a sandbox whose `up` runs is refused
// with SANDBOX_BUSY. Traffic: 127.0.0.1 only.
let stateDir: string;
const names = [uniqueName("i21-a"), uniqueName("i21-b")] as const;
const specs: string[] = [];
const env = () => ({ SANDBOX_STATE_DIR: stateDir });

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "sandbox-two-"));
  for (const name of names) {
    const spec = join(stateDir, `${name}.yaml`);
    await writeFile(
      spec,
      `name: ${name}\nowner: trainer-${name}@example.com\nttl: 1h\ncandidates:\n  - catalog: reference-lms\nload: { peakLearners: 3, rampUp: 2s, duration: 15s, commitInterval: 2s, thinkTime: { min: 1s, max: 2s }, maxLearners: 10, maxDuration: 5m }\n`,
    );
    specs.push(spec);
  }
});

afterAll(async () => {
  for (const name of names) await runCli(["down", "--name", name], { env: env(), timeoutMs: 180_000 });
  await rm(stateDir, { recursive: true, force: true });
}, 400_000);

/** Every docker object carrying the sandbox label, with the label values it carries. */
async function labelsOf(name: string) {
  const filters = { label: [`sandbox.name=${name}`] };
  const [containers, networks, volumes] = await Promise.all([
    docker().listContainers({ all: true, filters }),
    docker().listNetworks({ filters }),
    docker().listVolumes({ filters }),
  ]);
  return [
    ...containers.map((c) => ({ kind: "container", name: c.Names[0] ?? c.Id, labels: c.Labels })),
    ...networks.map((n) => ({ kind: "network", name: n.Name, labels: n.Labels ?? {} })),
    ...(volumes.Volumes ?? []).map((v) => ({ kind: "volume", name: v.Name, labels: v.Labels ?? {} })),
  ];
}

const expectOk = (run: CliResult, what: string) => expect(run.exitCode, `${what}: ${run.stderr}`).toBe(0);

describe("two sandboxes at once", () => {
  it("up, loadtest and down concurrently; each keeps to its own objects; a second up is SANDBOX_BUSY", async () => {
    const started = Date.now();
    const first = startCli(["up", "--spec", specs[0] as string, "--json"], { env: env() });
    await first.until(/\[step\]/);
    const [busy, other] = await Promise.all([
      runCli(["up", "--spec", specs[0] as string, "--json"], { env: env(), timeoutMs: 400_000 }),
      runCli(["up", "--spec", specs[1] as string, "--json"], { env: env(), timeoutMs: 400_000 }),
    ]);
    const up = await first.child;
    const upS = (Date.now() - started) / 1000;
    expect(busy.exitCode, busy.stderr).toBe(4);
    expect(busy.stderr).toContain(`error [SANDBOX_BUSY]: sandbox ${names[0]} is locked by \`sandbox up\``);
    expect(JSON.parse(busy.stdout).error.code).toBe("SANDBOX_BUSY");
    expect(up.exitCode, first.stderr()).toBe(0);
    expectOk(other, "second trainer's up");
    await installGolfCourse(names[0], lmsUrlOf(String(up.stdout)));
    await installGolfCourse(names[1], lmsUrlOf(other.stdout));

    // each sandbox's objects carry its own labels only, and none is the other's
    const [a, b] = await Promise.all(names.map(labelsOf));
    for (const [name, objects] of [
      [names[0], a],
      [names[1], b],
    ] as const) {
      expect(objects?.filter((o) => o.kind === "container").length, name).toBeGreaterThanOrEqual(3);
      for (const o of objects ?? []) {
        expect(o.labels["sandbox.name"], o.name).toBe(name);
        expect(o.labels["sandbox.owner"], o.name).toBe(`trainer-${name}@example.com`);
        expect(o.labels["sandbox.expires-at"], o.name).toBeTruthy();
      }
    }
    const bNames = new Set(b?.map((o) => o.name));
    expect(a?.filter((o) => bNames.has(o.name))).toEqual([]);

    // both load tests at once: each loads and samples only its own sandbox, nothing is lost
    const loadStarted = Date.now();
    const loads = await Promise.all(
      specs.map((spec) => runCli(["loadtest", "--spec", spec, "--json"], { env: env(), timeoutMs: 300_000 })),
    );
    const loadS = (Date.now() - loadStarted) / 1000;
    const results = loads.map((run, i) => {
      expect([0, 1], `loadtest ${names[i]}: ${run.stderr}`).toContain(run.exitCode);
      return loadRunResultSchema.parse(JSON.parse(run.stdout));
    });
    for (const [i, result] of results.entries()) {
      const name = names[i] as string;
      expect(result.sandbox).toBe(name);
      expect(result.integrity?.ok, JSON.stringify(result.integrity)).toBe(true);
      expect(result.integrity?.commitsSent).toBeGreaterThan(0);
      expect(result.resources.length).toBeGreaterThan(0);
      for (const r of result.resources)
        expect(r.container.startsWith(`sandbox-${name}-`), r.container).toBe(true);
    }
    for (const name of names) expect(await readdir(join(stateDir, "runs", name))).toHaveLength(1);
    const status = await runCli(["status", "--name", names[0], "--json"], { env: env() });
    expectOk(status, "status");
    expect(status.stdout).not.toContain(names[1]);

    const downStarted = Date.now();
    const downs = await Promise.all(
      names.map((n) => runCli(["down", "--name", n], { env: env(), timeoutMs: 300_000 })),
    );
    for (const [i, down] of downs.entries()) expectOk(down, `down ${names[i]}`);
    for (const name of names)
      expect(await labelledObjects(name)).toEqual({ containers: [], networks: [], volumes: [] });
    console.info(
      `[fault] two sandboxes: ${JSON.stringify({
        upS,
        loadS,
        downS: (Date.now() - downStarted) / 1000,
        wallS: (Date.now() - started) / 1000,
        integrity: results.map((r) => r.integrity),
        failedRequests: results.map((r) => r.metrics.http_req_failed),
      })}`,
    );
  }, 900_000);
});
