import { sandboxStatus } from "../engine/status.ts";
import { infrastructureError, usageError } from "../errors.ts";
import { docker } from "../runtime/docker.ts";
import type { ContainerToSample } from "./resources.ts";
import type { OwnedEndpoints } from "./safety.ts";

export interface ServiceTarget {
  readonly candidate: string;
  /** the learners' base URL: loopback (runners on the host) or internal hostname (runners on a network). */
  readonly baseUrl: string;
  /** where the CLI itself reaches it (admin calls), on 127.0.0.1. */
  readonly loopbackUrl: string;
  readonly container: string;
  /** the service's hostname and port inside the sandbox network (for site gateways). */
  readonly internal: { readonly host: string; readonly port: number };
}

export interface SandboxTargets {
  readonly sandbox: string;
  readonly owner: string;
  readonly expiresAt: string;
  readonly network?: string;
  readonly owned: OwnedEndpoints;
  readonly lms?: ServiceTarget & { readonly admin?: { username: string; password: string } };
  readonly media?: ServiceTarget;
  /** every container of the sandbox, for resource sampling. */
  readonly containers: ContainerToSample[];
}

/**
 * Finds the sandbox's LMS and media server and what it owns (labels, published ports, hostnames), from the
 * sandbox record and the Docker Engine itself. `via`: "loopback" for runners on the host, "network" for
 * runner containers on the sandbox's own network.
 */
export async function resolveSandboxTargets(
  name: string,
  via: "loopback" | "network",
): Promise<SandboxTargets> {
  const status = await sandboxStatus(name);
  if (!status)
    throw usageError(
      "LOAD_NO_SANDBOX",
      `no sandbox named "${name}" on this machine`,
      "start it with `sandbox up --spec <file>`, or pass --spec for the right one",
    );
  if (status.state !== "up" || !status.healthy) {
    throw infrastructureError(
      "LOAD_SANDBOX_NOT_READY",
      `sandbox "${name}" is ${status.state}${status.healthy ? "" : " and not healthy"}`,
      "run `sandbox status` and `sandbox up` again",
    );
  }
  const listed = await docker().listContainers({ filters: { label: [`sandbox.name=${name}`] } });
  const loopbackPorts = listed.flatMap((c) =>
    c.Ports.filter((p) => p.PublicPort && (p.IP === "127.0.0.1" || p.IP === "::1")).map((p) => p.PublicPort),
  );
  const hostnames = new Set<string>();
  for (const c of listed) {
    for (const n of c.Names) hostnames.add(n.replace(/^\//, ""));
    if (c.Labels["sandbox.instance"]) hostnames.add(c.Labels["sandbox.instance"]);
    for (const alias of Object.values(c.NetworkSettings?.Networks ?? {}).flatMap(
      (n) => (n as { Aliases?: string[] }).Aliases ?? [],
    ))
      hostnames.add(alias);
  }
  const service = async (kind: "lms" | "media"): Promise<(ServiceTarget & { env: string[] }) | undefined> => {
    const candidate = status.candidates.find((c) => c.kind === kind);
    const app = candidate?.instances.find((i) => i.role === "app") ?? candidate?.instances[0];
    if (!candidate || !app) return undefined;
    const info = await docker().getContainer(app.container).inspect();
    const port = Number(Object.keys(info.Config.ExposedPorts ?? {})[0]?.split("/")[0] ?? 8080);
    const internal = { host: app.hostname, port };
    const baseUrl = via === "network" ? `http://${internal.host}:${internal.port}` : candidate.url;
    if (!baseUrl || !candidate.url) return undefined;
    return {
      candidate: candidate.name,
      baseUrl,
      loopbackUrl: candidate.url,
      container: app.container,
      internal,
      env: info.Config.Env ?? [],
    };
  };
  const lms = await service("lms");
  const media = await service("media");
  const envValue = (env: string[], key: string) =>
    env.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1);
  const adminUser = lms ? envValue(lms.env, "ADMIN_USER") : undefined;
  const adminPassword = lms ? envValue(lms.env, "ADMIN_PASSWORD") : undefined;
  const strip = <T extends { env: string[] }>(s: T) => {
    const { env: _env, ...rest } = s;
    return rest;
  };
  return {
    sandbox: name,
    owner: status.owner,
    expiresAt: status.expiresAt,
    ...(status.network ? { network: status.network } : {}),
    owned: { sandbox: name, loopbackPorts, hostnames: [...hostnames] },
    ...(lms
      ? {
          lms: {
            ...strip(lms),
            ...(adminUser && adminPassword
              ? { admin: { username: adminUser, password: adminPassword } }
              : {}),
          },
        }
      : {}),
    ...(media ? { media: strip(media) } : {}),
    containers: listed.map((c) => ({
      container: c.Names[0]?.replace(/^\//, "") ?? c.Id,
      ...(c.Labels["sandbox.candidate"] ? { candidate: c.Labels["sandbox.candidate"] } : {}),
      ...(c.Labels["sandbox.role"] ? { role: c.Labels["sandbox.role"] } : {}),
    })),
  };
}

/** HLS master playlists published on the media server (/srv/media/<course>/master.m3u8 -> /media/<course>/master.m3u8). */
export async function publishedMasters(mediaContainer: string): Promise<string[]> {
  const exec = await docker()
    .getContainer(mediaContainer)
    .exec({
      Cmd: ["sh", "-c", "cd /srv/media 2>/dev/null && find . -maxdepth 3 -name 'master.m3u8' | head -50"],
      AttachStdout: true,
      AttachStderr: true,
    });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", resolve);
    stream.on("error", reject);
    setTimeout(resolve, 10_000);
  });
  const text = Buffer.concat(chunks).toString("latin1");
  return [...text.matchAll(/\.\/([\w./-]+master\.m3u8)/g)].map((m) => `/media/${m[1]}`);
}
