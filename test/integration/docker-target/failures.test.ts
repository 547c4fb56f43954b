import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  labelledObjects,
  sandboxDown,
  sandboxStatus,
  sandboxUp,
} from "../../../sandbox-cli/src/engine/index.ts";
import { projectRoot } from "../../../sandbox-cli/src/paths.ts";
import { loadSpecFile } from "../../../sandbox-cli/src/sandbox-spec/index.ts";
import { silentLogger } from "../../../sandbox-cli/src/util/log.ts";
import { runCli } from "../../helpers/cli.ts";
import { descendants, isolatedStateDir, uniqueName, writeSpec } from "./helpers.ts";

// Failure paths with the real engines: a missing daemon, an unknown candidate, an `up` that fails
// halfway (a container that exits at start), a candidate the catalog cannot run, and an `up` killed halfway.
const name = uniqueName("it-f");
let stateDir: string;

beforeAll(async () => {
  stateDir = await isolatedStateDir();
});

afterAll(async () => {
  await sandboxDown(name, silentLogger).catch(() => undefined);
  await rm(stateDir, { recursive: true, force: true });
});

describe("docker target failures", () => {
  it("exits 3 with the fix when the Docker daemon does not answer", async () => {
    const spec = await writeSpec(stateDir, name, ["media-nginx"]);
    const result = await runCli(["up", "--spec", spec], {
      env: { SANDBOX_STATE_DIR: stateDir, SANDBOX_DOCKER_SOCKET: join(stateDir, "no-such.sock") },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain("error [DOCKER_UNAVAILABLE]: the Docker daemon does not answer");
    expect(result.stderr).toContain("fix: run `npm run setup`");
  });

  it("exits 2 naming the known ids for an unknown candidate, before touching anything", async () => {
    const spec = await writeSpec(stateDir, name, ["wordpress"]);
    // The spec loader or the engine may catch it first; either way: exit 2, naming the bad id and the known ones.
    const up = (async () => sandboxUp(await loadSpecFile(spec), silentLogger))();
    await expect(up).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('"wordpress"') });
    await expect(up).rejects.toThrow(/reference-lms, media-nginx, media-caddy, media-httpd/);
    expect(await sandboxStatus(name)).toBeUndefined();
  });

  it("exits 3 naming what Moodle needs, before anything is created", async () => {
    const spec = await writeSpec(stateDir, name, ["reference-lms", "moodle"]);
    const result = await runCli(["up", "--spec", spec, "--json"], { env: { SANDBOX_STATE_DIR: stateDir } });
    expect(result.exitCode).toBe(3);
    const error = JSON.parse(result.stdout).error;
    expect(error.code).toBe("CANDIDATE_UNAVAILABLE");
    expect(error.message).toContain("it needs a Moodle image in a registry you name");
    expect(await sandboxStatus(name)).toBeUndefined();
    expect(await labelledObjects(name)).toEqual({ containers: [], networks: [], volumes: [] });
  });

  it("reports an up that fails halfway, and down after it leaves nothing", async () => {
    // A media server whose config does not parse: networks and volumes get created, then its
    // container exits at start and the up fails.
    const spec = join(stateDir, `${name}-broken.yaml`);
    await writeFile(
      spec,
      `name: ${name}\nowner: integration-test\nttl: 1h\ncandidates:\n  - catalog: media-nginx\n    env: { NGINX_CONF: "not nginx" }\n`,
    );
    const failed = sandboxUp(await loadSpecFile(spec), silentLogger);
    await expect(failed).rejects.toMatchObject({ code: "SANDBOX_UP_FAILED", exitCode: 4 });
    await expect(failed).rejects.toThrow(/exited|not ready/);
    expect((await sandboxStatus(name))?.state).toBe("failed");
    expect((await labelledObjects(name)).networks.length).toBeGreaterThan(0);
    await sandboxDown(name, silentLogger);
    expect(await labelledObjects(name)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 240_000);

  it("converges when an up killed halfway is run again", async () => {
    const spec = await writeSpec(stateDir, name, ["media-nginx"]);
    const child = execa(
      process.execPath,
      [join(projectRoot, "sandbox-cli", "bin", "sandbox.mjs"), "up", "--spec", spec],
      {
        env: { SANDBOX_STATE_DIR: stateDir, NO_COLOR: "1" },
        reject: false,
      },
    );
    // Kill the CLI and the Pulumi engine under it as soon as the first container is being created.
    let stderr = "";
    await new Promise<void>((resolve) => {
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("create Container")) resolve();
      });
      child.on("exit", () => resolve());
    });
    // Pulumi starts its plugins in process groups of their own: kill each process of the tree by id.
    const tree = child.pid ? [child.pid, ...(await descendants(child.pid))] : [];
    for (const pid of tree) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await child;
    const result = await sandboxUp(await loadSpecFile(spec), silentLogger);
    expect(result.record.state).toBe("up");
    const status = await sandboxStatus(name);
    expect(status?.healthy).toBe(true);
    const response = await fetch(`${status?.candidates[0]?.url}/healthz`, {
      signal: AbortSignal.timeout(5000),
    });
    expect(response.status).toBe(200);
    await sandboxDown(name, silentLogger);
    expect(await labelledObjects(name)).toEqual({ containers: [], networks: [], volumes: [] });
  }, 240_000);
});
