import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, openSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import Docker from "dockerode";
import { execa } from "execa";
import { runProgram } from "../../sandbox-cli/src/util/exec.ts";

/**
 * A Docker daemon of a test's own, beside the machine's: its own socket, data root, exec root, pid file
 * and (supervised) containerd, a default bridge of its own (with `--bridge=none` dockerd deletes the
 * machine's docker0 at start), and no iptables, ip6tables or masquerading rules, so
 * starting, restarting or killing it touches nothing the machine's daemon runs. User networks take
 * addresses from `addressPool` (pick one no route of the host uses). Published ports still answer on
 * 127.0.0.1 through docker-proxy. Point the CLI at it with SANDBOX_DOCKER_SOCKET=<socket>.
 */
export class PrivateDockerd {
  readonly socket: string;
  private readonly pidFile: string;
  private readonly logFile: string;
  /** The daemon's own default bridge: a name of at most 15 characters, unique to its root folder. */
  private readonly bridge: string;

  constructor(
    readonly root: string,
    private readonly addressPool = "10.213.0.0/16",
  ) {
    this.socket = join(root, "docker.sock");
    this.pidFile = join(root, "dockerd.pid");
    this.logFile = join(root, "dockerd.log");
    this.bridge = `esbd${createHash("sha256").update(root).digest("hex").slice(0, 8)}`;
  }

  client(timeoutMs?: number): Docker {
    return new Docker({ socketPath: this.socket, ...(timeoutMs ? { timeout: timeoutMs } : {}) });
  }

  /** Starts the daemon and waits until it answers (60 s at most). */
  async start(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const config = join(this.root, "daemon.json");
    await writeFile(config, "{}\n");
    const r = (sub: string) => join(this.root, sub);
    const args = [
      `--config-file=${config}`,
      `--host=unix://${this.socket}`,
      `--data-root=${r("data")}`,
      `--exec-root=${r("exec")}`,
      `--pidfile=${this.pidFile}`,
      `--bridge=${this.bridge}`,
      "--iptables=false",
      "--ip6tables=false",
      "--ip-masq=false",
      `--default-address-pool=base=${this.addressPool},size=24`,
      "--containerd-namespace=sandbox-faults",
      "--containerd-plugins-namespace=sandbox-faults-plugins",
    ];
    await this.createBridge();
    await this.allowForwarding("-I");
    const out = openSync(this.logFile, "a");
    const daemon = spawn("dockerd", args, { detached: true, stdio: ["ignore", out, out] });
    daemon.unref();
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (await this.answers()) return;
      await sleep(500);
    }
    throw new Error(`private dockerd did not answer on ${this.socket}; read ${this.logFile}`);
  }

  /**
   * The machine's daemon sets FORWARD's policy to DROP and bridged traffic passes iptables here
   * (net.bridge.bridge-nf-call-iptables=1), so without a rule containers on this daemon's networks cannot
   * reach one another (measured: name resolves, TCP connect times out). One rule in the built-in FORWARD
   * chain, for this daemon's address pool only, `-I` to add it, `-D` to remove it; no chain of the
   * machine's daemon is touched.
   */
  private async allowForwarding(action: "-I" | "-D"): Promise<void> {
    const rule = ["FORWARD", "-s", this.addressPool, "-d", this.addressPool, "-j", "ACCEPT"];
    const present = await runProgram("iptables", ["-C", ...rule]).then(
      () => true,
      () => false,
    );
    if (action === "-I" ? !present : present) await runProgram("iptables", [action, ...rule]);
  }

  /** dockerd wants an IPv4 address on a bridge it is given; nothing of the sandbox runs on that network. */
  private async createBridge(): Promise<void> {
    const exists = await runProgram("ip", ["link", "show", this.bridge]).then(
      () => true,
      () => false,
    );
    if (exists) return;
    const subnet = Number.parseInt(this.bridge.slice(-2), 16) % 250;
    await runProgram("ip", ["link", "add", "name", this.bridge, "type", "bridge"]);
    await runProgram("ip", ["addr", "add", `10.215.${subnet}.1/24`, "dev", this.bridge]);
    await runProgram("ip", ["link", "set", this.bridge, "up"]);
  }

  async answers(): Promise<boolean> {
    return this.client(2000)
      .version()
      .then(
        () => true,
        () => false,
      );
  }

  async pid(): Promise<number | undefined> {
    const text = await readFile(this.pidFile, "utf8").catch(() => "");
    const pid = Number(text.trim());
    return pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
  }

  /** Stops the daemon with `signal` (SIGTERM: an orderly stop of its containers; SIGKILL: a crash) and waits. */
  async stop(signal: NodeJS.Signals = "SIGTERM", timeoutMs = 90_000): Promise<void> {
    const pid = await this.pid();
    if (!pid) return;
    process.kill(pid, signal);
    const deadline = Date.now() + timeoutMs;
    while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await sleep(200);
    if (existsSync(`/proc/${pid}`)) throw new Error(`private dockerd ${pid} did not stop`);
  }

  /** Copies images from another daemon (`docker save` to a file, `docker load` from it), tags included. */
  async loadImagesFrom(sourceSocket: string, tags: readonly string[]): Promise<void> {
    const tarball = join(this.root, "images.tar");
    await execa("docker", ["-H", `unix://${sourceSocket}`, "save", "-o", tarball, ...tags]);
    await execa("docker", ["-H", `unix://${this.socket}`, "load", "-q", "-i", tarball]);
    await rm(tarball, { force: true });
  }

  /** Stops the daemon (its containers stop with it), unmounts what it left and removes its folders. */
  async dispose(): Promise<void> {
    await this.stop("SIGTERM").catch(() => this.stop("SIGKILL"));
    const mounts = (await readFile("/proc/mounts", "utf8"))
      .split("\n")
      .map((line) => line.split(" ")[1] ?? "")
      .filter((path) => path.startsWith(`${this.root}/`))
      .sort((a, b) => b.length - a.length);
    for (const path of mounts) await runProgram("umount", ["-l", path]).catch(() => undefined);
    await this.allowForwarding("-D");
    await runProgram("ip", ["link", "del", this.bridge]).catch(() => undefined);
    await rm(this.root, { recursive: true, force: true });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
