import { renderEnv } from "../../stacks/catalog/index.ts";
import type { DockerObjectsPlan, PlannedContainer } from "../../stacks/docker/plan.ts";

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** Pure: a bash script that starts the same containers as `plan` with plain docker commands and waits until ready. */
export function plainDockerScript(
  plan: DockerObjectsPlan,
  imageTags: Readonly<Record<string, string>>,
  secrets: Readonly<Record<string, Record<string, string>>>,
): string {
  const lines = ["#!/bin/bash", "set -euo pipefail"];
  const label = (labels: Readonly<Record<string, string>>) =>
    Object.entries(labels)
      .map(([key, value]) => `--label ${quote(`${key}=${value}`)}`)
      .join(" ");
  lines.push(
    `docker network create --internal ${label(plan.labels)} ${plan.internalNetwork.name} >/dev/null`,
  );
  lines.push(`docker network create ${label(plan.labels)} ${plan.edgeNetwork.name} >/dev/null`);
  for (const volume of plan.volumes)
    lines.push(`docker volume create ${label(volume.labels)} ${volume.name} >/dev/null`);
  const run = (container: PlannedContainer) => {
    const { inputs } = container;
    const env = renderEnv(container.envTemplate, {
      ...container.templateContext,
      secrets: secrets[container.candidate] ?? {},
    });
    const [first, ...more] = inputs.networks;
    const args = [
      "docker run -d",
      `--name ${inputs.name}`,
      `--memory ${inputs.memoryMb}m --memory-swap ${inputs.memoryMb}m --cpus ${inputs.cpu} --pids-limit 1024`,
      "--restart unless-stopped",
      label(inputs.labels),
      first
        ? `--network ${first.name} ${first.aliases.map((alias) => `--network-alias ${alias}`).join(" ")}`
        : "",
      ...inputs.ports.map((port) => `-p 127.0.0.1:${port.hostPort}:${port.containerPort}`),
      ...inputs.mounts.map((mount) => `-v ${mount.volume}:${mount.target}`),
      ...Object.entries(env).map(([key, value]) => `-e ${quote(`${key}=${value}`)}`),
      imageTags[container.imageKey] ?? container.imageKey,
      ...(inputs.command ?? []).map(quote),
    ];
    lines.push(`${args.filter(Boolean).join(" ")} >/dev/null`);
    for (const network of more) {
      lines.push(
        `docker network connect ${network.aliases.map((a) => `--alias ${a}`).join(" ")} ${network.name} ${inputs.name}`,
      );
    }
    // Same readiness rule as the provider: the image's HEALTHCHECK when it has one, else running.
    lines.push(
      `for i in $(seq 1 600); do s=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' ${inputs.name}); [ "$s" = healthy ] || [ "$s" = none ] && break; sleep 0.25; done`,
    );
  };
  for (const container of plan.containers) run(container);
  run(plan.edge);
  for (const endpoint of plan.endpoints) {
    lines.push(
      `for i in $(seq 1 600); do curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:${endpoint.hostPort}/healthz && break; sleep 0.25; done`,
    );
  }
  return `${lines.join("\n")}\n`;
}
