import type { SiteSpec } from "./schema.ts";
import { SITE_PROFILES } from "./site-profiles.ts";

/** A site with every link figure filled in, from its profile and its own overrides. */
export interface ResolvedSite {
  readonly name: string;
  readonly profile?: string;
  readonly downlinkMbps: number;
  readonly uplinkMbps: number;
  readonly rttMs: number;
  readonly learners: number;
  readonly trainingShare: number;
}

const DEFAULT_TRAINING_SHARE = 0.5;

export function resolveSites(sites: readonly SiteSpec[]): {
  sites: ResolvedSite[];
  issues: { path: string; segments: (string | number)[]; message: string }[];
} {
  const resolved: ResolvedSite[] = [];
  const issues: { path: string; segments: (string | number)[]; message: string }[] = [];
  sites.forEach((site, i) => {
    const profile = site.profile === undefined ? undefined : SITE_PROFILES[site.profile];
    if (site.profile !== undefined && !profile) {
      issues.push({
        path: `sites[${i}].profile`,
        segments: ["sites", i, "profile"],
        message: `unknown site profile "${site.profile}"; built-in profiles: ${Object.keys(SITE_PROFILES).join(", ")}`,
      });
      return;
    }
    const downlinkMbps = site.downlinkMbps ?? profile?.downlinkMbps;
    const uplinkMbps = site.uplinkMbps ?? profile?.uplinkMbps ?? downlinkMbps;
    if (downlinkMbps === undefined || uplinkMbps === undefined) {
      issues.push({
        path: `sites[${i}]`,
        segments: ["sites", i],
        message: `site "${site.name}" needs downlinkMbps (and usually uplinkMbps, rttMs) or a profile: ${Object.keys(SITE_PROFILES).join(", ")}`,
      });
      return;
    }
    resolved.push({
      name: site.name,
      ...(site.profile ? { profile: site.profile } : {}),
      downlinkMbps,
      uplinkMbps,
      rttMs: site.rttMs ?? profile?.rttMs ?? 0,
      learners: site.learners,
      trainingShare: site.trainingShare ?? profile?.trainingShare ?? DEFAULT_TRAINING_SHARE,
    });
  });
  return { sites: resolved, issues };
}
