import { infrastructureError } from "../errors.ts";
import { docker } from "../runtime/docker.ts";
import { demuxDockerLogs } from "../runtime/docker-logs.ts";
import { ensureImage } from "../runtime/images.ts";
import type { Logger } from "../util/log.ts";
import { type SandboxIdentity, siteLabels } from "./plan.ts";

/**
 * A branch edge cache (images/site-cache: Debian's nginx proxy_cache or Varnish) on a site's network,
 * in front of the site gateway: learners fetch video from it over the branch LAN, and it fetches each
 * segment once across the shaped WAN.
 */
export const SITE_CACHE_IMAGE = { name: "sandbox/site-cache", folder: "site-cache" } as const;
const CACHE_PORT = 8080;
const READY_TIMEOUT_MS = 30_000;

export const siteCacheName = (sandbox: string, site: string) => `sandbox-${sandbox}-site-${site}-cache`;

export interface EdgeCacheArgs {
  readonly identity: SandboxIdentity;
  readonly site: string;
  readonly siteNetwork: string;
  readonly kind: "nginx" | "varnish";
  readonly sizeMb: number;
  /** the gateway's route to the media server, as seen on the site network. */
  readonly upstream: { readonly host: string; readonly port: number };
}

/** Starts the cache and waits until it listens; returns the URL learners at the site use for media. */
export async function startEdgeCache(
  args: EdgeCacheArgs,
  log: Logger,
): Promise<{ url: string; name: string }> {
  const image = await ensureImage(SITE_CACHE_IMAGE, log);
  const name = siteCacheName(args.identity.name, args.site);
  const container = await docker().createContainer({
    name,
    Image: image.tag,
    Cmd: [args.kind, args.upstream.host, String(args.upstream.port), String(CACHE_PORT), String(args.sizeMb)],
    Labels: siteLabels(args.identity, args.site, "site-cache"),
    HostConfig: {
      NetworkMode: args.siteNetwork,
      Memory: (256 + args.sizeMb) * 1024 * 1024,
      RestartPolicy: { Name: "no" },
    },
  });
  await container.start();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const logs = demuxDockerLogs((await container.logs({ stdout: true, stderr: true })) as unknown as Buffer);
    const state = (await container.inspect()).State;
    if (!state.Running)
      throw infrastructureError(
        "SITE_CACHE_FAILED",
        `edge cache ${name} stopped (exit ${state.ExitCode}):\n${logs.trim()}`,
        `see \`docker logs ${name}\``,
      );
    // varnish and nginx print nothing once listening: the ready line plus a moment to bind is enough
    if (logs.includes("site-cache ready")) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return { url: `http://${name}:${CACHE_PORT}`, name };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw infrastructureError(
    "SITE_CACHE_TIMEOUT",
    `edge cache ${name} was not ready within ${READY_TIMEOUT_MS / 1000} s`,
    `see \`docker logs ${name}\``,
  );
}
