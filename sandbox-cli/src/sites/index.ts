export { type EdgeCache, type EdgeCacheSpec, siteCacheName, startEdgeCache } from "./edge-cache.ts";
export {
  type PlannedRoute,
  planRoutes,
  type SandboxIdentity,
  SITE_GATEWAY_IMAGE,
  type SiteTarget,
  siteGatewayName,
  siteNetworkName,
  trainingShareOfLink,
} from "./plan.ts";
export {
  type CreateSiteLinkArgs,
  createSiteLink,
  removeSiteLink,
  removeSiteLinks,
  type SiteLink,
} from "./site-link.ts";
