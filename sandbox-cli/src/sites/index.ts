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
