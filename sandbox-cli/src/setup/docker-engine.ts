import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { infrastructureError } from "../errors.ts";
import { stateDir } from "../paths.ts";
import { dockerEngineVersion, dockerSocketPath } from "../runtime/docker.ts";
import { hasProgram } from "../util/exec.ts";
import type { Logger } from "../util/log.ts";
import { aptInstall } from "./apt.ts";

const START_TIMEOUT_MS = 60_000;

/** Makes sure a Docker Engine answers on the socket: installs Debian's docker.io and starts dockerd if needed. */
export async function ensureDockerEngine(log: Logger): Promise<{ version: string; started: boolean }> {
  const running = await dockerEngineVersion();
  if (running) {
    log.info(`Docker Engine ${running} answers on ${dockerSocketPath()}`);
    return { version: running, started: false };
  }
  if (!(await hasProgram("dockerd")))
    await aptInstall(["docker.io"], log, "no Docker Engine on this machine");
  const logFile = join(stateDir(), "dockerd.log");
  await log.step(`start dockerd in the background (log: ${logFile})`, async () => {
    mkdirSync(stateDir(), { recursive: true });
    const out = openSync(logFile, "a");
    const daemon = spawn("dockerd", [], { detached: true, stdio: ["ignore", out, out] });
    daemon.unref();
    const version = await waitForEngine(START_TIMEOUT_MS);
    if (!version) {
      throw infrastructureError(
        "DOCKER_START_FAILED",
        `dockerd did not answer on ${dockerSocketPath()} within ${START_TIMEOUT_MS / 1000}s`,
        `read ${logFile}; on a machine without systemd start it by hand with \`dockerd &\``,
      );
    }
  });
  const version = (await dockerEngineVersion()) ?? "unknown";
  return { version, started: true };
}

async function waitForEngine(timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const version = await dockerEngineVersion(2000);
    if (version) return version;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return undefined;
}
