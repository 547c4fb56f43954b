import { docker } from "../runtime/docker.ts";
import { ensureImage } from "../runtime/images.ts";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import type { Logger } from "../util/log.ts";
import { waitForLog } from "./docker-lookups.ts";
import { type SandboxIdentity, siteLabels } from "./plan.ts";

/**
 * A branch edge cache (images/site-cache: Debian's nginx proxy_cache or Varnish) on a site's network,
 * on the branch side of the site gateway: learners fetch video from it over the branch LAN, and it
 * fetches each segment once across the shaped WAN.
 */
export const SITE_CACHE_IMAGE = { name: "sandbox/site-cache", folder: "site-cache" } as const;
const CACHE_PORT = 8080;
/** what the cache process itself needs beside its cache (nginx keeps the cache on disk, Varnish in memory). */
const PROCESS_MEMORY_MB = 128;

export const siteCacheName = (sandbox: string, site: string) => `sandbox-${sandbox}-site-${site}-cache`;

export type EdgeCacheSpec = NonNullable<ResolvedSite["edgeCache"]>;

export interface EdgeCacheArgs {
  readonly identity: SandboxIdentity;
  readonly site: string;
  readonly siteNetwork: string;
  readonly cache: EdgeCacheSpec;
  /** the gateway's route to the media server, as seen on the site network. */
  readonly upstream: { readonly host: string; readonly port: number };
}

export interface EdgeCache {
  readonly name: string;
  /** the URL learners at the site use for media instead of the gateway's. */
  readonly url: string;
}

/** The cache container's command line (images/site-cache/entrypoint.sh). */
export function edgeCacheCommand(args: Pick<EdgeCacheArgs, "cache" | "upstream">): string[] {
  return [
    args.cache.kind,
    args.upstream.host,
    String(args.upstream.port),
    String(CACHE_PORT),
    String(args.cache.sizeMb),
  ];
}

/** Starts the cache and waits until it listens; the caller removes it with the site link. */
export async function startEdgeCache(args: EdgeCacheArgs, log: Logger): Promise<EdgeCache> {
  const image = await ensureImage(SITE_CACHE_IMAGE, log);
  const name = siteCacheName(args.identity.name, args.site);
  const container = await docker().createContainer({
    name,
    Image: image.tag,
    Cmd: edgeCacheCommand(args),
    Labels: siteLabels(args.identity, args.site, "site-cache"),
    HostConfig: {
      NetworkMode: args.siteNetwork,
      Memory: (PROCESS_MEMORY_MB + args.cache.sizeMb) * 1024 * 1024,
      RestartPolicy: { Name: "no" },
    },
  });
  await container.start();
  await waitForLog(container, "site-cache ready", `edge cache ${name}`, {
    code: "SITE_CACHE_FAILED",
    hint: `see \`docker logs ${name}\` (images/site-cache runs nginx or varnishd)`,
    timeoutMs: 40_000,
  });
  log.info(
    `site ${args.site}: ${args.cache.kind} edge cache (${args.cache.sizeMb} MB) in front of the gateway`,
  );
  return { name, url: `http://${name}:${CACHE_PORT}` };
}
