import { existsSync } from "node:fs";
import { readdir, readFile, readlink, realpath, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { runProgram } from "../util/exec.ts";
import { POD_BRIDGE } from "./node-config.ts";

/** Chains the node's parts create: kube-proxy (KUBE-), the CNI plugins (CNI-), the policy agent. */
const OWN_CHAIN = /^(KUBE-|CNI-|KUBE-ROUTER-|KUBE-POD-FW-|KUBE-NWPLCY-|KUBE-SRC-|KUBE-DST-)/;

/**
 * From `iptables-save` output, the iptables argument lists that remove every rule jumping to one of
 * the node's chains from a built-in chain, then flush and delete those chains. Docker's chains stay.
 */
export function iptablesCleanup(save: string): string[][] {
  const commands: string[][] = [];
  const chains: [string, string][] = [];
  let table = "";
  for (const line of save.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1).trim();
    const chain = /^:(\S+)/.exec(line)?.[1];
    if (chain && OWN_CHAIN.test(chain)) chains.push([table, chain]);
    const rule = /^-A (\S+) (.*)$/.exec(line);
    const target = rule?.[2] ? /(?:^| )-j (\S+)/.exec(rule[2])?.[1] : undefined;
    if (rule?.[1] && !OWN_CHAIN.test(rule[1]) && target && OWN_CHAIN.test(target)) {
      commands.push(["-t", table, "-D", rule[1], ...splitRule(rule[2] ?? "")]);
    }
  }
  for (const [t, c] of chains) commands.push(["-t", t, "-F", c]);
  for (const [t, c] of chains) commands.push(["-t", t, "-X", c]);
  return commands;
}

/** Splits a rule's text as iptables-save quotes it ("..." around comments). */
function splitRule(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

/** Mount points (from /proc/self/mountinfo text) under any of `roots`, deepest first. */
export function mountsUnder(mountinfo: string, roots: readonly string[]): string[] {
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .map((p) => p.replace(/\\040/g, " "))
    .filter((p) => roots.some((root) => p === root || p.startsWith(`${root}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

const quiet = (program: string, args: string[]) =>
  runProgram(program, args, { timeout: 60_000 }).catch(() => undefined);

/** Kills every process left in the pods' cgroups (containers whose shim is gone). */
async function killPodProcesses(): Promise<void> {
  const root = "/sys/fs/cgroup/pids/kubepods";
  for (const dir of await cgroupDirs(root)) {
    const procs = await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => "");
    for (const pid of procs.split("\n").filter(Boolean)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {}
    }
  }
}

/** Kills every process running exactly the binary `exe` (the shims of a containerd already gone). */
async function killProgram(exe: string): Promise<void> {
  for (const pid of await readdir("/proc").catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    if ((await readlink(`/proc/${pid}/exe`).catch(() => "")) !== exe) continue;
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {}
  }
}

/** `dir` and every folder below it, deepest first. */
async function cgroupDirs(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const below = await Promise.all(
    entries.filter((e) => e.isDirectory()).map((e) => cgroupDirs(join(dir, e.name))),
  );
  return [...below.flat(), dir];
}

/** Removes the kubelet's `kubepods` cgroups (and containerd's `k8s.io`) under every v1 controller. */
async function removeCgroups(): Promise<void> {
  for (const controller of await readdir("/sys/fs/cgroup").catch(() => [])) {
    for (const top of ["kubepods", "k8s.io"]) {
      for (const dir of await cgroupDirs(join("/sys/fs/cgroup", controller, top))) {
        await rmdir(dir).catch(() => undefined);
      }
    }
  }
}

/**
 * After every daemon has stopped: no pod process, mount, network namespace, bridge, veth, iptables
 * chain or cgroup of the node is left, and `dir` is removed.
 */
export async function cleanupNode(dir: string, shim?: string): Promise<void> {
  if (shim) await killProgram(await realpath(shim).catch(() => shim));
  await killPodProcesses();
  // /proc/self/mountinfo names the real path (/var/run is a link to /run here)
  const netnsDir = await realpath("/var/run/netns").catch(() => "/var/run/netns");
  const netns = (await readdir(netnsDir).catch(() => [])).filter((n) => n.startsWith("cni-"));
  const roots = [dir, ...netns.map((n) => join(netnsDir, n))];
  for (const point of mountsUnder(await readFile("/proc/self/mountinfo", "utf8"), roots)) {
    await runProgram("umount", [point]).catch(() => quiet("umount", ["-l", point]));
  }
  for (const n of netns) await rm(join(netnsDir, n), { force: true });
  await quiet("ip", ["link", "delete", POD_BRIDGE]);
  const save = await runProgram("iptables-save", []).catch(() => undefined);
  for (const args of iptablesCleanup(save?.stdout ?? "")) await quiet("iptables", args);
  // the policy agent's address sets, once no rule refers to them
  const sets = await runProgram("ipset", ["list", "-n"]).catch(() => undefined);
  for (const set of (sets?.stdout ?? "").split("\n").filter((n) => /^(KUBE-|kube-router)/i.test(n))) {
    await quiet("ipset", ["destroy", set]);
  }
  await removeCgroups();
  // libcni caches each attachment's result under /var/lib/cni, named after the network
  const results = "/var/lib/cni/results";
  for (const f of await readdir(results).catch(() => [])) {
    if (f.startsWith("sandbox-pods-")) await rm(join(results, f), { force: true });
  }
  await rm(dir, { recursive: true, force: true });
}
