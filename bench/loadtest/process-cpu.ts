import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of processes from the kernel's own accounting (/proc), in seconds: what a load generator costs,
 * whatever it reports about itself. Clock ticks are 100 a second on Linux (USER_HZ).
 */
const TICK_S = 0.01;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number | "self"): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // the process is gone
  }
}

/** user + system time of the children this process has reaped (cutime + cstime): exact once a child exits. */
export function reapedChildrenCpuS(): number {
  const f = statFields("self") ?? [];
  return (Number(f[13]) + Number(f[14])) * TICK_S;
}

/** user + system time so far of a running process and every descendant of it (threads included). */
export function treeCpuS(root: number): number {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const f = statFields(pid);
    if (f) parent.set(pid, Number(f[1]));
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p))
      if (p === root) return true;
    return false;
  };
  let ticks = 0;
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    const f = statFields(pid);
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks * TICK_S;
}
