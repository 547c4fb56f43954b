import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelledObjects } from "../../sandbox-cli/src/engine/index.ts";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";
import { runCli } from "../helpers/cli.ts";
import { uniqueName, writeSpec } from "../integration/docker-target/helpers.ts";

// Two trainers on one machine and one state folder: their `up` and `down` run at the same time, each
// finishes, neither sees or removes the other's objects, and a second `up` of a sandbox whose `up` is
// running is refused with SANDBOX_BUSY.
let stateDir: string;
const names = [uniqueName("f21-two-a"), uniqueName("f21-two-b")] as const;
const specs: string[] = [];
const env = () => ({ SANDBOX_STATE_DIR: stateDir });

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "sandbox-two-"));
  for (const name of names) specs.push(await writeSpec(stateDir, name, ["media-nginx"]));
});

afterAll(async () => {
  for (const name of names) await runCli(["down", "--name", name], { env: env(), timeoutMs: 180_000 });
  await rm(stateDir, { recursive: true, force: true });
}, 400_000);

const names0 = (objects: Awaited<ReturnType<typeof labelledObjects>>) =>
  [...objects.containers, ...objects.networks, ...objects.volumes].map((o) => JSON.stringify(o));

describe("two sandboxes at once", () => {
  it("up and down concurrently; each keeps to its own objects; a second up of one is SANDBOX_BUSY", async () => {
    const started = Date.now();
    const first = execa(
      process.execPath,
      [join(projectRoot, "sandbox-cli", "bin", "sandbox.mjs"), "up", "--spec", specs[0] as string],
      { env: { ...env(), NO_COLOR: "1" }, reject: false, timeout: 300_000 },
    );
    let stderr = "";
    first.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    while (!stderr.includes("[step]") && first.exitCode === null)
      await new Promise((r) => setTimeout(r, 100));
    const [busy, other] = await Promise.all([
      runCli(["up", "--spec", specs[0] as string], { env: env(), timeoutMs: 300_000 }),
      runCli(["up", "--spec", specs[1] as string], { env: env(), timeoutMs: 300_000 }),
    ]);
    const up = await first;
    console.info(`[fault] two sandboxes up: ${(Date.now() - started) / 1000}s`);
    expect(busy.exitCode, busy.stderr).toBe(4);
    expect(busy.stderr).toContain("error [SANDBOX_BUSY]");
    expect(up.exitCode, stderr).toBe(0);
    expect(other.exitCode, other.stderr).toBe(0);

    const [a, b] = await Promise.all(names.map((n) => labelledObjects(n)));
    expect(a?.containers.length).toBeGreaterThan(0);
    expect(b?.containers.length).toBeGreaterThan(0);
    const shared = names0(a as never).filter((o) => names0(b as never).includes(o));
    expect(shared).toEqual([]);
    const listed = await runCli(["list", "--json"], { env: env() });
    for (const name of names) expect(listed.stdout).toContain(name);

    const downs = await Promise.all(
      names.map((n) => runCli(["down", "--name", n], { env: env(), timeoutMs: 300_000 })),
    );
    for (const down of downs) expect(down.exitCode, down.stderr).toBe(0);
    for (const name of names)
      expect(await labelledObjects(name)).toEqual({ containers: [], networks: [], volumes: [] });
    console.info(`[fault] two sandboxes up+down: ${(Date.now() - started) / 1000}s`);
  }, 600_000);
});
