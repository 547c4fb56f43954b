import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelledObjects } from "../../sandbox-cli/src/engine/index.ts";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";
import { dockerEngineVersion } from "../../sandbox-cli/src/runtime/docker.ts";
import { runCli } from "../helpers/cli.ts";
import { uniqueName, writeSpec } from "../integration/docker-target/helpers.ts";

// The Docker daemon restarted while `up` runs: that `up` fails (exit 4), `sandbox setup` starts the
// daemon again, `up` run again converges and `down` leaves no labelled object. Restarting the daemon
// stops every container on the machine, so this case runs only when SANDBOX_FAULTS_RESTART_DOCKER=1
// says the Docker Engine is this test's alone.
const allowed = process.env.SANDBOX_FAULTS_RESTART_DOCKER === "1";
const name = uniqueName("f21-dockerd");
let stateDir: string;
let spec: string;
const env = () => ({ SANDBOX_STATE_DIR: stateDir });

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "sandbox-dockerd-"));
  spec = await writeSpec(stateDir, name, ["media-nginx"]);
});

afterAll(async () => {
  if (allowed) await runCli(["down", "--name", name], { env: env(), timeoutMs: 180_000 });
  await rm(stateDir, { recursive: true, force: true });
}, 200_000);

/** pid of the running dockerd (the one the project's setup started, or any), from /proc. */
async function dockerdPid(): Promise<number | undefined> {
  const { readdir } = await import("node:fs/promises");
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const comm = await readFile(`/proc/${entry}/comm`, "utf8").catch(() => "");
    if (comm.trim() === "dockerd") return Number(entry);
  }
  return undefined;
}

describe.skipIf(!allowed)("the Docker daemon restarted (SANDBOX_FAULTS_RESTART_DOCKER=1)", () => {
  it("an up cut by a daemon restart fails with exit 4; up again converges; down leaves nothing", async () => {
    const started = Date.now();
    const child = execa(
      process.execPath,
      [join(projectRoot, "sandbox-cli", "bin", "sandbox.mjs"), "up", "--spec", spec],
      {
        env: { ...env(), NO_COLOR: "1" },
        reject: false,
        timeout: 300_000,
      },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    while (!stderr.includes("create Container") && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 100));
    const pid = await dockerdPid();
    expect(pid).toBeDefined();
    process.kill(pid as number, "SIGTERM");
    const cut = await child;
    expect(cut.exitCode, stderr).toBe(4);
    expect(stderr).not.toContain("INTERNAL");
    const setup = await runCli(["setup"], { env: env(), timeoutMs: 300_000 });
    expect(setup.exitCode, setup.stderr).toBe(0);
    expect(await dockerEngineVersion()).toBeTruthy();
    const recovered = Date.now();
    const again = await runCli(["up", "--spec", spec], { env: env(), timeoutMs: 300_000 });
    expect(again.exitCode, again.stderr).toBe(0);
    const down = await runCli(["down", "--name", name], { env: env(), timeoutMs: 300_000 });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await labelledObjects(name)).toEqual({ containers: [], networks: [], volumes: [] });
    console.info(
      `[fault] dockerd restarted during up: converged ${(Date.now() - recovered) / 1000}s after setup, wall ${(Date.now() - started) / 1000}s`,
    );
  }, 900_000);
});
