import { randomBytes } from "node:crypto";
import http from "node:http";
import { docker } from "../../sandbox-cli/src/runtime/docker.ts";
import { ensureImage } from "../../sandbox-cli/src/runtime/images.ts";
import { silentLogger } from "../../sandbox-cli/src/util/log.ts";

/** The project's media server (images/media-nginx) serving `dir` at /media/bench/ on 127.0.0.1, for benches. */
export async function startMediaServer(
  dir: string,
  /** a network of the bench's own (benchNetwork) the server joins as `media`; else Docker's default bridge. */
  network?: string,
): Promise<{ url: string; container: string; stop(): Promise<void> }> {
  const image = await ensureImage({ name: "sandbox/media-nginx", folder: "media-nginx" }, silentLogger);
  const name = `bench-media-${randomBytes(3).toString("hex")}`;
  const container = await docker().createContainer({
    name,
    Image: image.tag,
    Labels: { "sandbox.bench": "loadtest" },
    ExposedPorts: { "8080/tcp": {} },
    HostConfig: {
      Binds: [`${dir}:/srv/media/bench:ro`],
      PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      AutoRemove: false,
      ...(network ? { NetworkMode: network } : {}),
    },
    ...(network ? { NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ["media"] } } } } : {}),
  });
  await container.start();
  const info = await container.inspect();
  const port = info.NetworkSettings.Ports["8080/tcp"]?.[0]?.HostPort;
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await healthy(`${url}/healthz`)); i++)
    await new Promise((r) => setTimeout(r, 200));
  return { url, container: name, stop: () => container.remove({ force: true, v: true }) };
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** A private network for a bench: a sandbox's network, with no docker-proxy between runner and server. */
export async function benchNetwork(): Promise<{ name: string; remove(): Promise<void> }> {
  const name = `bench-net-${randomBytes(3).toString("hex")}`;
  const network = await docker().createNetwork({ Name: name, Labels: { "sandbox.bench": "loadtest" } });
  return { name, remove: () => network.remove() };
}
