import { spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { infrastructureError } from "../errors.ts";
import { pathWithTools } from "../paths.ts";

/** A long-running cluster process, started detached so it outlives `npm run k8s:cluster -- up`. */
export interface Daemon {
  readonly name: string;
  readonly pid: number;
  readonly program: string;
  readonly log: string;
}

/** Starts `program` in its own session with stdout and stderr appended to `log`. */
export function startDaemon(
  name: string,
  program: string,
  args: readonly string[],
  log: string,
  env: Record<string, string> = {},
): Daemon {
  const out = openSync(log, "a");
  const child = spawn(program, args, {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, PATH: pathWithTools(), ...env },
  });
  if (child.pid === undefined) {
    throw infrastructureError(
      "K8S_CLUSTER_START_FAILED",
      `${name} (${program}) did not start`,
      `see its log: ${log}`,
    );
  }
  child.unref();
  return { name, pid: child.pid, program, log };
}

/** True when `pid` runs and is still `program` (a reused pid of another program does not count). */
export function isRunning(daemon: Pick<Daemon, "pid" | "program">): boolean {
  try {
    process.kill(daemon.pid, 0);
    const argv0 = readFileSync(`/proc/${daemon.pid}/cmdline`, "utf8").split("\0")[0] ?? "";
    const stat = readFileSync(`/proc/${daemon.pid}/stat`, "utf8");
    return (
      !/\) Z /.test(stat) &&
      (argv0 === daemon.program || argv0.endsWith(`/${daemon.program.split("/").pop()}`))
    );
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopDaemon(daemon: Pick<Daemon, "pid" | "program">, graceMs = 15_000): Promise<void> {
  if (!isRunning(daemon)) return;
  process.kill(daemon.pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isRunning(daemon) && Date.now() < deadline) await sleep(200);
  if (isRunning(daemon)) process.kill(daemon.pid, "SIGKILL");
  while (isRunning(daemon)) await sleep(100);
}

/** The last lines of a daemon's log, for error messages. */
export async function logTail(log: string, lines = 15): Promise<string> {
  const text = await readFile(log, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Polls `ready` every second until it is true; fails naming the daemon and its log's tail. */
export async function waitReady(daemon: Daemon, what: string, ready: () => Promise<boolean>, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isRunning(daemon)) break;
    if (await ready().catch(() => false)) return;
    await sleep(1000);
  }
  const state = isRunning(daemon) ? `was not ${what} within ${ms / 1000}s` : "exited";
  throw infrastructureError(
    "K8S_CLUSTER_NOT_READY",
    `${daemon.name} ${state}; the end of ${daemon.log}:\n${await logTail(daemon.log)}`,
    "read the log; `npm run k8s:cluster -- down` and `up` again start from a clean state",
  );
}
