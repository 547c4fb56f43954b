/** A site's link as the capacity model sees it: bandwidth each way and the share training may use. */
export interface SiteLink {
  readonly downlinkMbps: number;
  readonly uplinkMbps: number;
  /** 0-1: the part of the link training may use without harming other applications. */
  readonly trainingShare: number;
}

/** The one link x share formula: the bandwidth training may use at a site, each way, Mbit/s. */
export function trainingBudget(link: SiteLink): { readonly downMbps: number; readonly upMbps: number } {
  return { downMbps: link.downlinkMbps * link.trainingShare, upMbps: link.uplinkMbps * link.trainingShare };
}

/** The downlink a site needs so that its training share carries `mbps` (the formula solved for the link). */
export const downlinkNeededMbps = (mbps: number, trainingShare: number) =>
  trainingShare > 0 ? mbps / trainingShare : Number.POSITIVE_INFINITY;
