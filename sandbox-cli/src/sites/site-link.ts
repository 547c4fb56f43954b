import type Docker from "dockerode";
import { infrastructureError, usageError } from "../errors.ts";
import { docker } from "../runtime/docker.ts";
import { ensureImage } from "../runtime/images.ts";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import type { Logger } from "../util/log.ts";
import { bystanderServiceName } from "./bystander-containers.ts";
import { upstreamAddresses, waitForGateway } from "./docker-lookups.ts";
import { siteCacheName } from "./edge-cache.ts";
import {
  gatewayConfig,
  type PlannedRoute,
  planRoutes,
  type SandboxIdentity,
  SITE_GATEWAY_IMAGE,
  SITE_ROLE_LABEL,
  type SiteTarget,
  siteGatewayName,
  siteLabels,
  siteNetworkName,
} from "./plan.ts";

export interface SiteLink {
  readonly site: string;
  /** the site's docker network: attach the site's load runners to this network only. */
  readonly network: string;
  readonly gateway: { readonly id: string; readonly name: string };
  readonly routes: readonly PlannedRoute[];
  /** where a runner at the site reaches `target` (through the shaped, delayed link). */
  targetHostFor(target: string): { host: string; port: number; url: string };
}

export interface CreateSiteLinkArgs {
  readonly sandbox: SandboxIdentity;
  readonly site: ResolvedSite;
  /** the sandbox's own docker network, where the targets live. */
  readonly sandboxNetwork: string;
  readonly targets: readonly SiteTarget[];
}

/**
 * Creates the site's internal network and its gateway (shaping both directions with tbf, adding the RTT
 * in user space), attached to the sandbox network; waits until the gateway says it is ready. On any
 * failure, whatever was created is removed again.
 */
export async function createSiteLink(args: CreateSiteLinkArgs, log: Logger): Promise<SiteLink> {
  const { sandbox, site } = args;
  if (args.targets.length === 0) {
    throw usageError(
      "SITE_NO_TARGETS",
      `site "${site.name}" has nothing to reach`,
      "pass the sandbox candidates the site's learners use",
    );
  }
  let routes: PlannedRoute[];
  try {
    routes = planRoutes(args.targets);
  } catch (error) {
    throw usageError(
      "SITE_BAD_TARGETS",
      `site "${site.name}": ${(error as Error).message}`,
      "give each target a unique name",
      error,
    );
  }
  const image = await ensureImage(SITE_GATEWAY_IMAGE, log);
  const addresses = await upstreamAddresses(
    args.sandboxNetwork,
    routes.map((route) => route.upstreamHost),
  );
  const networkName = siteNetworkName(sandbox.name, site.name);
  const gatewayName = siteGatewayName(sandbox.name, site.name);
  try {
    return await log.step(
      `site ${site.name}: ${site.downlinkMbps}/${site.uplinkMbps} Mbit/s, +${site.rttMs} ms through ${gatewayName}`,
      async () => {
        const network = await docker().createNetwork({
          Name: networkName,
          Driver: "bridge",
          Internal: true,
          CheckDuplicate: true,
          Labels: siteLabels(sandbox, site.name, "site-network"),
        });
        const subnet = (await network.inspect()).IPAM?.Config?.[0]?.Subnet as string | undefined;
        if (!subnet)
          throw infrastructureError(
            "SITE_NO_SUBNET",
            `docker gave ${networkName} no IPv4 subnet`,
            "check the Engine's address pools (`docker network inspect`)",
          );
        const config = gatewayConfig(site, subnet, routes, (host) => addresses.get(host) ?? host);
        const container = await docker().createContainer({
          name: gatewayName,
          Image: image.tag,
          Cmd: ["gateway"],
          Env: [`SITE_GATEWAY_CONFIG=${JSON.stringify(config)}`],
          Labels: siteLabels(sandbox, site.name, "site-gateway"),
          HostConfig: {
            CapAdd: ["NET_ADMIN"],
            NetworkMode: networkName,
            Memory: 256 * 1024 * 1024,
            RestartPolicy: { Name: "no" },
          },
          NetworkingConfig: {
            EndpointsConfig: {
              [networkName]: { Aliases: [...new Set(routes.map((route) => route.host)), "gateway"] },
            },
          },
        });
        await docker().getNetwork(args.sandboxNetwork).connect({ Container: container.id });
        await container.start();
        await waitForGateway(container, gatewayName);
        return siteLink(site.name, networkName, { id: container.id, name: gatewayName }, routes);
      },
    );
  } catch (error) {
    await removeSiteLink(sandbox.name, site.name).catch(() => undefined);
    throw error;
  }
}

function siteLink(
  site: string,
  network: string,
  gateway: SiteLink["gateway"],
  routes: PlannedRoute[],
): SiteLink {
  return {
    site,
    network,
    gateway,
    routes,
    targetHostFor(target) {
      const route = routes.find((candidate) => candidate.target === target);
      if (!route) {
        throw usageError(
          "SITE_UNKNOWN_TARGET",
          `site "${site}" has no route to "${target}"; it has: ${routes.map((r) => r.target).join(", ")}`,
          "create the site link with that target",
        );
      }
      return { host: route.host, port: route.listenPort, url: `http://${route.host}:${route.listenPort}` };
    },
  };
}

async function ignoreMissing(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

/** Removes one site's gateway, edge cache and network; missing pieces are fine (idempotent). */
export async function removeSiteLink(sandboxName: string, siteName: string): Promise<void> {
  const names = [
    siteCacheName(sandboxName, siteName),
    siteGatewayName(sandboxName, siteName),
    bystanderServiceName(sandboxName, siteName),
  ];
  for (const name of names)
    await ignoreMissing(() => docker().getContainer(name).remove({ force: true, v: true }));
  await ignoreMissing(() => docker().getNetwork(siteNetworkName(sandboxName, siteName)).remove());
}

/** Removes every site gateway and site network of a sandbox, found by their labels. */
export async function removeSiteLinks(
  sandboxName: string,
): Promise<{ containers: number; networks: number }> {
  const byLabel = (role: string) => ({
    label: [`sandbox.name=${sandboxName}`, `${SITE_ROLE_LABEL}=${role}`],
  });
  const containers = [
    ...(await docker().listContainers({ all: true, filters: byLabel("site-gateway") })),
    ...(await docker().listContainers({ all: true, filters: byLabel("site-bystander") })),
    ...(await docker().listContainers({ all: true, filters: byLabel("site-cache") })),
  ];
  for (const info of containers)
    await ignoreMissing(() => docker().getContainer(info.Id).remove({ force: true, v: true }));
  const networks: Docker.NetworkInspectInfo[] = await docker().listNetworks({
    filters: byLabel("site-network"),
  });
  for (const info of networks) await ignoreMissing(() => docker().getNetwork(info.Id).remove());
  return { containers: containers.length, networks: networks.length };
}
