import type Docker from "dockerode";
import { infrastructureError, usageError } from "../errors.ts";
import { docker } from "../runtime/docker.ts";
import { demuxDockerLogs } from "../runtime/docker-logs.ts";

/**
 * The IPv4 address of each host on the sandbox network, by container name or network alias. The gateway
 * forwards to addresses, not names: on the site network it answers to those very names itself.
 */
export async function upstreamAddresses(
  sandboxNetwork: string,
  hosts: readonly string[],
): Promise<Map<string, string>> {
  let info: Docker.NetworkInspectInfo;
  try {
    info = await docker().getNetwork(sandboxNetwork).inspect();
  } catch (error) {
    throw usageError(
      "SITE_NO_SANDBOX_NETWORK",
      `the sandbox network "${sandboxNetwork}" does not exist`,
      "run `sandbox up` first (or pass the sandbox's network name)",
      error,
    );
  }
  const found = new Map<string, string>();
  for (const [id, member] of Object.entries(info.Containers ?? {})) {
    const address = member.IPv4Address?.split("/")[0];
    if (!address) continue;
    const container = await docker().getContainer(id).inspect();
    const aliases = container.NetworkSettings.Networks[info.Name]?.Aliases ?? [];
    for (const name of [member.Name, container.Name.replace(/^\//, ""), ...aliases]) {
      if (name && hosts.includes(name) && !found.has(name)) found.set(name, address);
    }
  }
  const missing = hosts.filter((host) => !found.has(host));
  if (missing.length > 0) {
    throw usageError(
      "SITE_TARGET_NOT_RUNNING",
      `no container named ${missing.join(", ")} is on the sandbox network "${sandboxNetwork}"`,
      "start the sandbox (`sandbox up`) and check `sandbox status`",
    );
  }
  return found;
}

const GATEWAY_READY_TIMEOUT_MS = 30_000;

/** Polls the gateway's health check (it flips once tc and the listeners are in place). */
export async function waitForGateway(container: Docker.Container, name: string): Promise<void> {
  const deadline = Date.now() + GATEWAY_READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const state = (await container.inspect()).State;
    if (state.Health?.Status === "healthy") return;
    if (!state.Running) {
      const logs = (await container.logs({ stdout: true, stderr: true, tail: 20 })).toString("utf8");
      throw infrastructureError(
        "SITE_GATEWAY_FAILED",
        `site gateway ${name} stopped (exit ${state.ExitCode}):\n${logs.trim()}`,
        "the gateway needs NET_ADMIN and the kernel's tbf qdisc; `docker logs` shows the rest",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw infrastructureError(
    "SITE_GATEWAY_TIMEOUT",
    `site gateway ${name} was not ready within ${GATEWAY_READY_TIMEOUT_MS / 1000} s`,
    `see \`docker logs ${name}\``,
  );
}

/**
 * Waits until a container logs `text` (a server's ready line); fails at once when it stops, and after
 * `timeoutMs`, with `failure`'s code and hint and the container's last output.
 */
export async function waitForLog(
  container: Docker.Container,
  text: string,
  name: string,
  failure: { readonly code: string; readonly hint: string; readonly timeoutMs?: number },
): Promise<void> {
  const timeoutMs = failure.timeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let logs = "";
  while (Date.now() < deadline) {
    logs = demuxDockerLogs((await container.logs({ stdout: true, stderr: true })) as unknown as Buffer);
    if (logs.includes(text)) return;
    const state = (await container.inspect()).State;
    if (!state.Running)
      throw infrastructureError(
        failure.code,
        `${name} stopped (exit ${state.ExitCode}) before logging "${text}":\n${logs.trim()}`,
        failure.hint,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw infrastructureError(
    failure.code,
    `${name} did not log "${text}" within ${timeoutMs / 1000} s:\n${logs.trim()}`,
    failure.hint,
  );
}

/** Bytes a container has sent on all its interfaces (Engine API counters): for a gateway, the WAN's load. */
export async function containerSentBytes(id: string): Promise<number> {
  const stats = (await docker().getContainer(id).stats({ stream: false })) as unknown as {
    networks?: Record<string, { tx_bytes: number }>;
  };
  return Object.values(stats.networks ?? {}).reduce((sum, n) => sum + n.tx_bytes, 0);
}
