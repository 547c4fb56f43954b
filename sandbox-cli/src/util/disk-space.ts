import { randomBytes } from "node:crypto";
import { open, rename, rm, statfs } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { infrastructureError, isSandboxError, type SandboxError } from "../errors.ts";

/**
 * A full disk under the state folder: commands check the room they need before writing, write every
 * record, result and report atomically (a temporary file renamed over the target, so no reader ever
 * sees half a file), and turn "no space left on device" from anywhere (Pulumi's state included) into
 * one DISK_FULL error naming the folder and the room it needs.
 */
const MB = 1024 * 1024;

/** the least room each command that writes into the state folder needs (loadtest adds its samples). */
export const STATE_ROOM_BYTES = 20 * MB;

const fmtSize = (bytes: number) =>
  bytes < MB
    ? `${Math.max(1, Math.ceil(bytes / 1024))} KB`
    : `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

/** Free bytes for an unprivileged writer at `dir` or its nearest existing parent. */
export async function freeBytes(dir: string): Promise<number> {
  for (let at = dir; ; at = dirname(at)) {
    try {
      const s = await statfs(at);
      return s.bavail * s.bsize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || dirname(at) === at) throw error;
    }
  }
}

export function diskFullError(
  folder: string,
  neededBytes: number,
  freeNow?: number,
  cause?: unknown,
): SandboxError {
  const free = freeNow === undefined ? "" : ` (${fmtSize(freeNow)} free)`;
  return infrastructureError(
    "DISK_FULL",
    `no space left in ${folder}${free}: it needs at least ${fmtSize(neededBytes)}`,
    `free at least ${fmtSize(Math.max(neededBytes - (freeNow ?? 0), 1024))} in ${folder}, or set SANDBOX_STATE_DIR to a folder on a disk with room`,
    cause,
  );
}

/** Refuses to start writing when `folder` has less than `neededBytes` free. */
export async function requireFreeSpace(folder: string, neededBytes: number): Promise<void> {
  const free = await freeBytes(folder);
  if (free < neededBytes) throw diskFullError(folder, neededBytes, free);
}

/** ENOSPC or EDQUOT anywhere in an error, its causes, or a child program's output (Pulumi's). */
export function isDiskFull(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOSPC" || code === "EDQUOT") return true;
    if (/no space left on device|disk quota exceeded/i.test(String((e as Error).message ?? e))) return true;
  }
  return false;
}

/** The error a command ends with when the disk filled up under it: DISK_FULL for the state folder. */
export function asDiskFull(error: unknown, folder: string): SandboxError | undefined {
  if (!isDiskFull(error)) return undefined;
  if (isSandboxError(error) && error.code === "DISK_FULL") return error;
  return diskFullError(folder, STATE_ROOM_BYTES, undefined, error);
}

/**
 * Writes `path` atomically: a temporary file beside it, written whole and synced, renamed over it; a
 * full disk is a DISK_FULL error and leaves the previous file as it was. (npm's write-file-atomic 7 was
 * measured renaming a short write into place on a full tmpfs: 8 KB of a 64 KB file, reported as success.)
 */
export async function writeFileAtomic(path: string, data: string | Buffer, mode?: number): Promise<void> {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    const file = await open(temporary, "wx", mode);
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    if (!isDiskFull(error)) throw error;
    const folder = dirname(path);
    throw diskFullError(
      folder,
      Buffer.byteLength(data),
      await freeBytes(folder).catch(() => undefined),
      error,
    );
  }
}
