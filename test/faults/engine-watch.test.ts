import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineLostError, watchEngine } from "../../sandbox-cli/src/loadtest/engine-watch.ts";
import { PrivateDockerd } from "../helpers/private-dockerd.ts";

// The load run's watch on the Docker Engine, against a private daemon this test starts and stops (the
// machine's daemon is never touched): quiet while the daemon runs, a loss once it stops or restarts.
let daemon: PrivateDockerd;

beforeAll(async () => {
  daemon = new PrivateDockerd(await mkdtemp(join(tmpdir(), "sandbox-watch-")), "10.214.0.0/16");
  await daemon.start();
  process.env.SANDBOX_DOCKER_SOCKET = daemon.socket;
}, 120_000);

afterAll(async () => {
  delete process.env.SANDBOX_DOCKER_SOCKET;
  await daemon?.dispose();
}, 120_000);

describe("the Engine watch of a load run", () => {
  it("sees nothing while the daemon keeps running", async () => {
    const watch = await watchEngine();
    await new Promise((r) => setTimeout(r, 1500));
    expect(watch.stop()).toBeUndefined();
  });

  it("sees the daemon go away when it restarts, and the error says so with exit 4", async () => {
    const started = Date.now();
    const watch = await watchEngine();
    await daemon.stop("SIGTERM");
    await daemon.start();
    const loss = watch.stop();
    expect(loss).toBeDefined();
    expect(loss?.lostAtMs).toBeGreaterThanOrEqual(started);
    const error = engineLostError(loss as NonNullable<typeof loss>, started, "/runs/x");
    expect(error).toMatchObject({ code: "LOAD_DOCKER_ENGINE_LOST", exitCode: 4 });
    expect(error.message).toContain(`the Docker Engine on ${daemon.socket} went away`);
    expect(error.message).toContain("no result written");
  }, 120_000);

  it("a daemon that does not answer at the start is a loss too", async () => {
    await daemon.stop("SIGTERM");
    try {
      const watch = await watchEngine();
      expect(watch.stop()?.reason).toMatch(/ENOENT|ECONNREFUSED/);
    } finally {
      await daemon.start();
    }
  }, 120_000);
});
