import { mkdir, readFile, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ExitCode, SandboxError } from "../errors.ts";
import { stateDir } from "../paths.ts";
import { writeFileAtomic } from "../util/disk-space.ts";

const ownerSchema = z.object({
  pid: z.number(),
  host: z.string(),
  command: z.string(),
  startedAt: z.string(),
});
export type LockOwner = z.infer<typeof ownerSchema>;

export const lockPath = (sandbox: string) => join(stateDir(), "locks", `${sandbox}.lock`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return ownerSchema.parse(JSON.parse(await readFile(join(path, "owner.json"), "utf8")));
  } catch {
    return undefined;
  }
}

/**
 * Holds the sandbox's lock (an atomic mkdir plus owner.json) while `work` runs. A lock left by a
 * killed process on this host is taken over; a live holder makes this fail at once.
 */
export async function withSandboxLock<T>(
  sandbox: string,
  command: string,
  work: () => Promise<T>,
): Promise<T> {
  const path = lockPath(sandbox);
  await mkdir(join(stateDir(), "locks"), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await mkdir(path);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = await readOwner(path);
      const stale = owner !== undefined && owner.host === hostname() && !alive(owner.pid);
      if (!stale || attempt > 0) {
        throw new SandboxError({
          code: "SANDBOX_BUSY",
          message: `sandbox ${sandbox} is locked by ${owner ? `\`sandbox ${owner.command}\` (pid ${owner.pid}, since ${owner.startedAt})` : "another sandbox command that is starting"}`,
          hint: `wait for it to finish; if no such process exists, remove ${path}`,
          exitCode: ExitCode.infrastructure,
        });
      }
      await rm(path, { recursive: true, force: true });
    }
  }
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    command,
    startedAt: new Date().toISOString(),
  };
  const release = () => rm(path, { recursive: true, force: true });
  try {
    // inside the try: a full disk failing this write must not leave the lock held by nobody
    await writeFileAtomic(join(path, "owner.json"), JSON.stringify(owner));
    return await work();
  } finally {
    await release();
  }
}
