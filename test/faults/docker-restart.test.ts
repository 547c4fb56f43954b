import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelledObjects } from "../../sandbox-cli/src/engine/index.ts";
import { dockerSocketPath } from "../../sandbox-cli/src/runtime/docker.ts";
import { ensureImage } from "../../sandbox-cli/src/runtime/images.ts";
import { BASE_IMAGE } from "../../sandbox-cli/src/toolchain.ts";
import { silentLogger } from "../../sandbox-cli/src/util/log.ts";
import { catalogEntries } from "../../stacks/catalog/entries.ts";
import { EDGE_IMAGE } from "../../stacks/docker/plan.ts";
import { type CliResult, runCli, startCli } from "../helpers/cli.ts";
import { installGolfCourse, lmsUrlOf } from "../helpers/lms-sandbox.ts";
import { PrivateDockerd } from "../helpers/private-dockerd.ts";
import { uniqueName } from "../integration/docker-target/helpers.ts";

// The Docker daemon restarted (stopped with SIGTERM, which stops its containers, then started again)
// while `up` runs and while a load test runs. The daemon is a private one this test starts (its own
// socket, data and exec roots, containerd and bridge, one FORWARD rule for its pool), loaded with the
// images the sandbox needs from the machine's daemon, so the machine's daemon and all on it is untouched.
// The CLI reaches it through SANDBOX_DOCKER_SOCKET. Traffic: 127.0.0.1 only (docker-proxy).
const name = uniqueName("i21-dockerd");
let stateDir: string;
let spec: string;
let daemon: PrivateDockerd;
const env = () => ({ SANDBOX_STATE_DIR: stateDir, SANDBOX_DOCKER_SOCKET: daemon.socket });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "sandbox-dockerd-"));
  spec = join(stateDir, "sandbox.yaml");
  await writeFile(
    spec,
    `name: ${name}\nowner: faults@example.com\nttl: 1h\ncandidates:\n  - catalog: reference-lms\nload: { peakLearners: 4, rampUp: 2s, duration: 30s, commitInterval: 2s, thinkTime: { min: 1s, max: 2s }, maxLearners: 10, maxDuration: 5m }\n`,
  );
  // the images, built (or found current) on the machine's daemon, then copied into the private one
  const mainSocket = dockerSocketPath();
  const recipes = [
    EDGE_IMAGE,
    ...catalogEntries.flatMap((entry) => {
      const docker = entry.image.docker;
      return ["reference-lms", "postgres"].includes(entry.id) && docker && "recipe" in docker
        ? [docker.recipe]
        : [];
    }),
  ];
  const tags = [BASE_IMAGE];
  for (const recipe of recipes) {
    const built = await ensureImage(recipe, silentLogger);
    tags.push(built.tag);
  }
  daemon = new PrivateDockerd(await mkdtemp(join(tmpdir(), "sandbox-dockerd-root-")));
  await daemon.start();
  await daemon.loadImagesFrom(mainSocket, tags);
  process.env.SANDBOX_DOCKER_SOCKET = daemon.socket;
}, 900_000);

afterAll(async () => {
  if (daemon && (await daemon.answers()))
    await runCli(["down", "--name", name], { env: env(), timeoutMs: 180_000 });
  delete process.env.SANDBOX_DOCKER_SOCKET;
  await daemon?.dispose();
  await rm(stateDir, { recursive: true, force: true });
}, 300_000);

/** Restarts the private daemon: SIGTERM (its containers stop), then a new start; seconds it was gone. */
async function restartDaemon(): Promise<number> {
  const stopped = Date.now();
  await daemon.stop("SIGTERM");
  await daemon.start();
  return (Date.now() - stopped) / 1000;
}

const expectOk = (run: CliResult, what: string) => expect(run.exitCode, `${what}: ${run.stderr}`).toBe(0);

describe("the Docker daemon restarted (a private daemon)", () => {
  it("during up: up fails with exit 4, up again converges; during a load test: exit 4, LOAD_DOCKER_ENGINE_LOST; down leaves nothing", async () => {
    const started = Date.now();
    const up = startCli(["up", "--spec", spec], { env: env() });
    await up.until(/create Container/);
    const goneUpS = await restartDaemon();
    const cut = await up.child;
    expect(cut.exitCode, up.stderr()).toBe(4);
    expect(up.stderr()).not.toContain("INTERNAL");
    const againStarted = Date.now();
    const again = await runCli(["up", "--spec", spec, "--json"], { env: env(), timeoutMs: 400_000 });
    expectOk(again, "up after the restart");
    const convergeS = (Date.now() - againStarted) / 1000;
    await installGolfCourse(name, lmsUrlOf(again.stdout));

    const load = startCli(["loadtest", "--spec", spec, "--json"], { env: env() });
    await load.until(/\[step\] \d+ learners/);
    await sleep(8000);
    const goneLoadS = await restartDaemon();
    const failed = await load.child;
    expect(failed.exitCode, load.stderr()).toBe(4);
    expect(load.stderr()).toContain("error [LOAD_DOCKER_ENGINE_LOST]: the Docker Engine on");
    expect(load.stderr()).not.toContain("INTERNAL");
    expect(JSON.parse(String(failed.stdout)).error.code).toBe("LOAD_DOCKER_ENGINE_LOST");

    const upAgain = await runCli(["up", "--spec", spec], { env: env(), timeoutMs: 400_000 });
    expectOk(upAgain, "up after the restart during the load test");
    const down = await runCli(["down", "--name", name], { env: env(), timeoutMs: 300_000 });
    expectOk(down, "down");
    expect(await labelledObjects(name)).toEqual({ containers: [], networks: [], volumes: [] });
    console.info(
      `[fault] dockerd restarted: ${JSON.stringify({ goneUpS, convergeS, goneLoadS, loadExit: failed.exitCode, wallS: (Date.now() - started) / 1000 })}`,
    );
  }, 1_200_000);
});
