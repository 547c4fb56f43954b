import type Docker from "dockerode";
import type { SandboxStatus } from "../engine/status.ts";
import { dockerResourceSource } from "../loadtest/resources.ts";
import { docker } from "../runtime/docker.ts";
import { type CandidateTarget, credentialsFromEnv, type TargetLookups, type Via } from "./view.ts";

/** Names a container answers to on the sandbox's networks: its name, its instance label, its aliases. */
function hostnamesOf(listed: readonly Docker.ContainerInfo[]): string[] {
  const hostnames = new Set<string>();
  for (const c of listed) {
    for (const n of c.Names) hostnames.add(n.replace(/^\//, ""));
    if (c.Labels["sandbox.instance"]) hostnames.add(c.Labels["sandbox.instance"]);
    for (const network of Object.values(c.NetworkSettings?.Networks ?? {}))
      for (const alias of (network as { Aliases?: string[] }).Aliases ?? []) hostnames.add(alias);
  }
  return [...hostnames];
}

async function candidateTarget(
  candidate: SandboxStatus["candidates"][number],
  via: Via,
): Promise<CandidateTarget | undefined> {
  const app = candidate.instances.find((i) => i.role === "app") ?? candidate.instances[0];
  if (candidate.kind === "database" || !app || !candidate.url) return undefined;
  const info = await docker().getContainer(app.container).inspect();
  const port = Number(Object.keys(info.Config.ExposedPorts ?? {})[0]?.split("/")[0] ?? 8080);
  const internal = { host: app.hostname, port };
  const credentials = credentialsFromEnv(candidate.catalogId, info.Config.Env ?? []);
  return {
    candidate: candidate.name,
    catalogId: candidate.catalogId,
    kind: candidate.kind,
    baseUrl: via === "network" ? `http://${internal.host}:${internal.port}` : candidate.url,
    loopbackUrl: candidate.url,
    container: app.container,
    internal,
    ...(credentials ? { credentials } : {}),
  };
}

/** The docker target's part of the view: containers labelled `sandbox.name`, their ports, names and env. */
export const dockerLookups: TargetLookups = {
  async read(status, via) {
    const listed = await docker().listContainers({ filters: { label: [`sandbox.name=${status.name}`] } });
    const loopbackPorts = listed.flatMap((c) =>
      c.Ports.filter((p) => p.PublicPort && (p.IP === "127.0.0.1" || p.IP === "::1")).map(
        (p) => p.PublicPort,
      ),
    );
    const candidates: CandidateTarget[] = [];
    for (const candidate of status.candidates) {
      const target = await candidateTarget(candidate, via);
      if (target) candidates.push(target);
    }
    return {
      owned: { sandbox: status.name, loopbackPorts, hostnames: hostnamesOf(listed) },
      candidates,
      resources: dockerResourceSource(
        listed.map((c) => ({
          container: c.Names[0]?.replace(/^\//, "") ?? c.Id,
          ...(c.Labels["sandbox.candidate"] ? { candidate: c.Labels["sandbox.candidate"] } : {}),
          ...(c.Labels["sandbox.role"] ? { role: c.Labels["sandbox.role"] } : {}),
        })),
      ),
    };
  },
};
