import { withCacheMeasurement } from "../capacity/edge-cache.ts";
import {
  type MeasuredRendition,
  predictedForRendition,
  renditionToPin,
  type SiteCapacity,
  withMeasurement,
} from "../capacity/index.ts";
import { infrastructureError } from "../errors.ts";
import { candidatesOfKind, type SandboxView, withSandboxView } from "../sandbox/view.ts";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import type { SandboxSpec } from "../sandbox-spec/schema.ts";
import type { Logger } from "../util/log.ts";
import { type LinkProbeArgs, probeSiteLink } from "./probe-site-link.ts";

export interface MeasureSiteArgs {
  readonly spec: SandboxSpec;
  readonly site: ResolvedSite;
  /** the site's predicted capacity (siteCapacity); the search starts from its N_max. */
  readonly predicted: SiteCapacity;
  /** the published ladder as measured (nominal and peak bitrates per rendition). */
  readonly ladder: readonly MeasuredRendition[];
  /** the rendition every viewer plays, pinned (default: the one the model says the site settles on). */
  readonly rendition?: string;
  /** the packaged media's segment duration, seconds (target duration of its playlists). */
  readonly segmentDurationS: number;
  /** time at full load per probe; default 60 s. */
  readonly durationS?: number;
  readonly rampS?: number;
  readonly maxProbes?: number;
  /** the media candidate the site watches (default: the sandbox's first). */
  readonly media?: string;
}

/**
 * `sandbox loadtest --site NAME --find-capacity`: measures the site's link as it is (the learners and
 * the bystander through the shaped gateway) and, when the site declares an `edgeCache`, the same link
 * with a real cache on the branch side, with the same probe. Returns the predicted capacity with the
 * measured N_max, the bystander and the cache's measured figure beside it.
 */
export async function measureSiteCapacity(args: MeasureSiteArgs, log: Logger): Promise<SiteCapacity> {
  return withSandboxView(args.spec.name, "network", (sandbox) => measureOn(sandbox, args, log));
}

async function measureOn(sandbox: SandboxView, args: MeasureSiteArgs, log: Logger): Promise<SiteCapacity> {
  const { spec, site } = args;
  const pin = renditionToPin(args.ladder, args.rendition ?? args.predicted.settledRendition ?? undefined);
  if (!sandbox.network) {
    throw infrastructureError(
      "CAPACITY_NO_NETWORK",
      `sandbox "${spec.name}" has no docker network to attach a site to`,
      "site links exist on the docker target only; run `sandbox up` with target kind docker",
    );
  }
  const lms = candidatesOfKind(sandbox, "lms")[0];
  const media = candidatesOfKind(sandbox, "media").find((m) => !args.media || m.candidate === args.media);
  const common: Omit<LinkProbeArgs, "start"> = {
    spec,
    site,
    identity: { name: spec.name, owner: sandbox.owner, expiresAt: sandbox.expiresAt },
    sandboxNetwork: sandbox.network,
    ...(lms ? { lms } : {}),
    ...(media ? { media } : {}),
    segmentDurationS: args.segmentDurationS,
    ...(args.durationS !== undefined ? { durationS: args.durationS } : {}),
    ...(args.rampS !== undefined ? { rampS: args.rampS } : {}),
    ...(args.maxProbes !== undefined ? { maxProbes: args.maxProbes } : {}),
  };
  const start = predictedForRendition(args.predicted, pin?.rendition ?? null);
  if (pin) log.info(`  ${site.name}: every viewer plays ${pin.rendition} (predicted N_max ${start})`);
  const direct = await probeSiteLink({ ...common, ...(pin ? { pin } : {}), start }, log);
  const measured: SiteCapacity = {
    ...withMeasurement(args.predicted, direct.search, { rendition: pin?.rendition ?? null }),
    bystander: direct.bystander,
  };
  const whatIf = args.predicted.edgeCache;
  if (!site.edgeCache || !whatIf) return measured;
  const cachePin = renditionToPin(args.ladder, whatIf.rendition ?? undefined);
  log.info(
    `  ${site.name}: again with a ${site.edgeCache.kind} cache in the branch (predicted N_max ${whatIf.predictedNMax}${cachePin ? ` at ${cachePin.rendition}` : ""})`,
  );
  const cached = await probeSiteLink(
    { ...common, ...(cachePin ? { pin: cachePin } : {}), start: whatIf.predictedNMax, cache: site.edgeCache },
    log,
  );
  return { ...measured, edgeCache: withCacheMeasurement(whatIf, cached.search, cached.bystander) };
}
