import { trainingBudget } from "../capacity/link-share.ts";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";

/** The labels every sandbox resource carries, so `sandbox down` and `sandbox gc` find it. */
export interface SandboxIdentity {
  readonly name: string;
  readonly owner: string;
  /** ISO-8601 instant after which `sandbox gc` may remove the sandbox. */
  readonly expiresAt: string;
}

/** A service inside the sandbox that learners at a site reach through the gateway. */
export interface SiteTarget {
  /** the candidate (or other service) name, used to look the route up. */
  readonly name: string;
  /** its hostname on the sandbox network (container name or network alias). */
  readonly host: string;
  readonly port: number;
}

/** How a site reaches one target: `host` resolves to the gateway on the site network. */
export interface PlannedRoute {
  readonly target: string;
  readonly host: string;
  readonly listenPort: number;
  readonly upstreamHost: string;
  readonly upstreamPort: number;
}

export const SITE_GATEWAY_IMAGE = { name: "sandbox/site-gateway", folder: "site-gateway" } as const;
export const SITE_ROLE_LABEL = "sandbox.role";
export const SITE_NAME_LABEL = "sandbox.site";
const FIRST_REMAPPED_PORT = 20_000;

export const siteNetworkName = (sandbox: string, site: string) => `sandbox-${sandbox}-site-${site}`;
export const siteGatewayName = (sandbox: string, site: string) => `sandbox-${sandbox}-site-${site}-gateway`;

export function siteLabels(
  identity: SandboxIdentity,
  site: string,
  role: "site-network" | "site-gateway" | "site-bystander" | "site-cache",
) {
  return {
    "sandbox.name": identity.name,
    "sandbox.owner": identity.owner,
    "sandbox.expires-at": identity.expiresAt,
    [SITE_NAME_LABEL]: site,
    [SITE_ROLE_LABEL]: role,
  };
}

/**
 * Each target keeps its own hostname on the site network (the gateway answers to it as an alias), and
 * its own port unless an earlier target already took that port; then it gets the next free port from
 * 20000. So URLs inside a site look like URLs inside the sandbox wherever that is possible.
 */
export function planRoutes(targets: readonly SiteTarget[]): PlannedRoute[] {
  const names = new Set<string>();
  const usedPorts = new Set<number>();
  let nextPort = FIRST_REMAPPED_PORT;
  return targets.map((target) => {
    if (names.has(target.name)) throw new Error(`target "${target.name}" is listed twice`);
    names.add(target.name);
    let listenPort = target.port;
    if (usedPorts.has(listenPort)) {
      while (usedPorts.has(nextPort) || targets.some((t) => t.port === nextPort)) nextPort += 1;
      listenPort = nextPort;
    }
    usedPorts.add(listenPort);
    return {
      target: target.name,
      host: target.host,
      listenPort,
      upstreamHost: target.host,
      upstreamPort: target.port,
    };
  });
}

/** What the gateway container reads from SITE_GATEWAY_CONFIG (images/site-gateway/src/config.ts). */
export function gatewayConfig(
  site: Pick<ResolvedSite, "downlinkMbps" | "uplinkMbps" | "rttMs">,
  siteSubnet: string,
  routes: readonly PlannedRoute[],
  upstreamAddress: (host: string) => string,
) {
  return {
    siteSubnet,
    downlinkKbit: Math.round(site.downlinkMbps * 1000),
    uplinkKbit: Math.round(site.uplinkMbps * 1000),
    rttMs: site.rttMs,
    routes: routes.map((route) => ({
      listenPort: route.listenPort,
      upstreamHost: upstreamAddress(route.upstreamHost),
      upstreamPort: route.upstreamPort,
    })),
  };
}

/**
 * The part of a site's link training may use: what a capacity search shapes the gateway to, so the
 * measured N_max answers the same question as the predicted one (link x share).
 */
export function trainingShareOfLink<
  T extends Pick<ResolvedSite, "downlinkMbps" | "uplinkMbps" | "trainingShare">,
>(site: T): T {
  const budget = trainingBudget(site);
  return { ...site, downlinkMbps: budget.downMbps, uplinkMbps: budget.upMbps };
}
