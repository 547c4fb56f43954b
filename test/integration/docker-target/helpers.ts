import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker } from "../../../sandbox-cli/src/runtime/docker.ts";

/** A state dir of its own, so tests never touch the user's sandboxes. */
export async function isolatedStateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sandbox-it-"));
  process.env.SANDBOX_STATE_DIR = dir;
  return dir;
}

export const uniqueName = (prefix: string) =>
  `${prefix}-${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

export async function writeSpec(
  dir: string,
  name: string,
  catalogIds: readonly string[],
  ttl = "1h",
): Promise<string> {
  const path = join(dir, `${name}.yaml`);
  const candidates = catalogIds.map((id) => `  - catalog: ${id}`).join("\n");
  await writeFile(path, `name: ${name}\nowner: integration-test\nttl: ${ttl}\ncandidates:\n${candidates}\n`);
  return path;
}

/** Runs a command inside a container (no TTY) and returns its exit code. */
export async function execIn(container: string, command: readonly string[]): Promise<number> {
  const exec = await docker()
    .getContainer(container)
    .exec({ Cmd: [...command], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  stream.resume();
  await new Promise((resolve) => stream.on("end", resolve));
  return (await exec.inspect()).ExitCode ?? -1;
}

/** bash's /dev/tcp connect from inside a container, bounded to 3 s. */
export const canConnect = async (from: string, host: string, port: number) =>
  (await execIn(from, ["timeout", "3", "bash", "-c", `</dev/tcp/${host}/${port}`])) === 0;

export async function containerAddress(container: string, network: string): Promise<string> {
  const info = await docker().getContainer(container).inspect();
  const address = info.NetworkSettings.Networks[network]?.IPAddress;
  if (!address) throw new Error(`${container} has no address on ${network}`);
  return address;
}

/** Every process started under `pid` (children of children...), read from /proc. */
export async function descendants(pid: number): Promise<number[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const out: number[] = [];
  const visit = async (parent: number) => {
    let tasks: string[] = [];
    try {
      tasks = await readdir(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      const text = await readFile(`/proc/${parent}/task/${task}/children`, "utf8").catch(() => "");
      for (const child of text.split(" ").filter(Boolean).map(Number)) {
        out.push(child);
        await visit(child);
      }
    }
  };
  await visit(pid);
  return out;
}
