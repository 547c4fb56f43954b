import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import { type ContainerInputs, LABELS, type ReadinessProbe } from "../../../../stacks/docker/types.ts";
import { docker } from "../docker.ts";
import { demuxDockerLogs } from "../docker-logs.ts";
import { assertOurs, ignoreMissing, inspected } from "./objects.ts";

/** The Engine API body for one container: pure, so its shape is unit-tested. */
export function containerCreateOptions(inputs: ContainerInputs): Docker.ContainerCreateOptions {
  const [first] = inputs.networks;
  const memory = inputs.memoryMb * 1024 * 1024;
  return {
    name: inputs.name,
    Image: inputs.imageId,
    ...(inputs.command ? { Cmd: [...inputs.command] } : {}),
    Env: Object.entries(inputs.env).map(([key, value]) => `${key}=${value}`),
    Labels: { ...inputs.labels },
    ExposedPorts: Object.fromEntries(inputs.ports.map((port) => [`${port.containerPort}/tcp`, {}])),
    HostConfig: {
      Memory: memory,
      MemorySwap: memory,
      NanoCpus: Math.round(inputs.cpu * 1e9),
      PidsLimit: 1024,
      RestartPolicy: { Name: "unless-stopped" },
      NetworkMode: first?.name ?? "none",
      PortBindings: Object.fromEntries(
        inputs.ports.map((port) => [
          `${port.containerPort}/tcp`,
          [{ HostIp: "127.0.0.1", HostPort: String(port.hostPort) }],
        ]),
      ),
      Mounts: inputs.mounts.map((mount) => ({
        Type: "volume" as const,
        Source: mount.volume,
        Target: mount.target,
      })),
      LogConfig: { Type: "json-file", Config: { "max-size": "10m", "max-file": "2" } },
    },
    ...(first
      ? { NetworkingConfig: { EndpointsConfig: { [first.name]: { Aliases: [...first.aliases] } } } }
      : {}),
  };
}

/** Creates, connects and starts the container, then waits until it is ready. Returns its id. */
export async function createContainer(inputs: ContainerInputs): Promise<string> {
  const existing = await inspected(docker().getContainer(inputs.name));
  if (existing) {
    // Left by an interrupted `up` of the same sandbox: start over from a clean container.
    assertOurs("container", inputs.name, existing.Config.Labels, inputs.labels[LABELS.name]);
    await removeContainer(inputs.name);
  }
  const container = await docker().createContainer(containerCreateOptions(inputs));
  for (const network of inputs.networks.slice(1)) {
    await docker()
      .getNetwork(network.name)
      .connect({ Container: container.id, EndpointConfig: { Aliases: [...network.aliases] } });
  }
  await container.start();
  await waitReady(container, inputs);
  return container.id;
}

export async function removeContainer(nameOrId: string): Promise<void> {
  await ignoreMissing(() => docker().getContainer(nameOrId).remove({ force: true, v: true }));
}

export async function containerExists(nameOrId: string): Promise<boolean> {
  return Boolean(await inspected(docker().getContainer(nameOrId)));
}

/**
 * Ready means: the image's own HEALTHCHECK says healthy, else the catalog probe answers on the
 * container's address on its first (sandbox) network, else simply running.
 */
async function waitReady(container: Docker.Container, inputs: ContainerInputs): Promise<void> {
  const deadline = Date.now() + inputs.readyTimeoutS * 1000;
  let last = "not started";
  while (Date.now() < deadline) {
    const info = await container.inspect();
    if (!info.State.Running && (info.State.Status === "exited" || info.State.Status === "dead")) {
      throw new Error(
        `container ${inputs.name} exited (code ${info.State.ExitCode}):\n${await logTail(container)}`,
      );
    }
    if (info.State.Running) {
      const health = info.State.Health?.Status;
      if (health === "healthy") return;
      if (health === undefined || health === "none") {
        if (!inputs.probe) return;
        const address = info.NetworkSettings.Networks[inputs.networks[0]?.name ?? ""]?.IPAddress;
        if (address) {
          last = await probe(address, inputs.probe);
          if (last === "ok") return;
        }
      } else last = `health ${health}`;
    }
    await sleep(250);
  }
  throw new Error(
    `container ${inputs.name} was not ready within ${inputs.readyTimeoutS}s (${last}):\n${await logTail(container)}`,
  );
}

async function probe(address: string, target: ReadinessProbe): Promise<string> {
  if (target.kind === "tcp") return tcpProbe(address, target.port);
  try {
    const response = await fetch(`http://${address}:${target.port}${target.path}`, {
      signal: AbortSignal.timeout(2000),
    });
    await response.body?.cancel();
    return response.status === target.expectStatus ? "ok" : `GET ${target.path} answered ${response.status}`;
  } catch (error) {
    return `GET ${target.path}: ${(error as Error).message}`;
  }
}

function tcpProbe(address: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve("ok");
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(`tcp ${port}: timeout`);
    });
    socket.once("error", (error) => resolve(`tcp ${port}: ${error.message}`));
  });
}

async function logTail(container: Docker.Container): Promise<string> {
  try {
    const logs = await container.logs({ stdout: true, stderr: true, tail: 15 });
    return demuxDockerLogs(logs as unknown as Buffer).trim();
  } catch {
    return "(no logs)";
  }
}
