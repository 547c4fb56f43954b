/** Built-in branch-office link profiles; a site in sandbox.yaml may start from one and override any field. */
export interface SiteProfile {
  readonly downlinkMbps: number;
  readonly uplinkMbps: number;
  readonly rttMs: number;
  readonly trainingShare: number;
  readonly description: string;
}

export const SITE_PROFILES: Readonly<Record<string, SiteProfile>> = {
  "hq-lan": {
    downlinkMbps: 1000,
    uplinkMbps: 1000,
    rttMs: 2,
    trainingShare: 0.3,
    description: "headquarters LAN",
  },
  "regional-office": {
    downlinkMbps: 100,
    uplinkMbps: 40,
    rttMs: 25,
    trainingShare: 0.3,
    description: "regional office on a leased line",
  },
  "small-branch": {
    downlinkMbps: 10,
    uplinkMbps: 4,
    rttMs: 40,
    trainingShare: 0.5,
    description: "small branch on a business DSL/4G link",
  },
  "vpn-home": {
    downlinkMbps: 20,
    uplinkMbps: 5,
    rttMs: 60,
    trainingShare: 0.8,
    description: "home worker over the corporate VPN",
  },
};
