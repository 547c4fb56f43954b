import { type BystanderStep, bystanderResult } from "../capacity/bystander-harm.ts";
import type { BystanderResult } from "../capacity/bystander-schema.ts";
import { refineHarmBoundary } from "../capacity/bystander-search.ts";
import {
  type CapacitySearchResult,
  DEFAULT_FETCH_OVER_DURATION_LIMIT,
  findCapacity,
  type MeasuredRendition,
  playbackFromLoadRun,
} from "../capacity/index.ts";
import { runLoad } from "../loadtest/run.ts";
import { LOAD_RUNNER_IMAGE } from "../loadtest/runners.ts";
import { ensureImage } from "../runtime/images.ts";
import type { CandidateTarget } from "../sandbox/view.ts";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import type { SandboxSpec } from "../sandbox-spec/schema.ts";
import { BYSTANDER_TARGET, startBystanderService } from "../sites/bystander-containers.ts";
import { bystanderSession } from "../sites/bystander-session.ts";
import {
  createSiteLink,
  type EdgeCacheSpec,
  removeSiteLink,
  type SandboxIdentity,
  type SiteLink,
  type SiteTarget,
  startEdgeCache,
  trainingShareOfLink,
} from "../sites/index.ts";
import type { Logger } from "../util/log.ts";

/** How long the bystander runs alone on the link before the first probe, seconds. */
const BASELINE_S = 15;
/** Runner containers start this long (at most, roughly) after a load run is asked for, seconds. */
const RUNNER_START_S = 3;

export interface LinkProbeArgs {
  readonly spec: SandboxSpec;
  readonly site: ResolvedSite;
  readonly identity: SandboxIdentity;
  readonly sandboxNetwork: string;
  readonly lms?: CandidateTarget;
  readonly media?: CandidateTarget;
  /** the rendition every viewer plays (none: the player's own choice). */
  readonly pin?: MeasuredRendition;
  /** the search's first learner count (the predicted N_max for this form of the link). */
  readonly start: number;
  /** an edge cache on the branch side of the gateway: the site's media then comes through it. */
  readonly cache?: EdgeCacheSpec;
  readonly segmentDurationS: number;
  readonly durationS?: number;
  readonly rampS?: number;
  readonly maxProbes?: number;
}

export interface LinkProbeResult {
  readonly search: CapacitySearchResult;
  readonly bystander: BystanderResult;
}

/** The URLs a runner at the site uses: the LMS through the gateway, media through the cache if any. */
async function siteTargetUrls(args: LinkProbeArgs, link: SiteLink, log: Logger) {
  const urls: { lms?: string; media?: string } = {};
  if (args.lms) urls.lms = link.targetHostFor("lms").url;
  if (args.media) {
    const media = link.targetHostFor("media");
    urls.media = args.cache
      ? (
          await startEdgeCache(
            {
              identity: args.identity,
              site: args.site.name,
              siteNetwork: link.network,
              cache: args.cache,
              upstream: media,
            },
            log,
          )
        ).url
      : media.url;
  }
  return urls;
}

/**
 * Builds the site's link (shaped to the training share of its downlink and uplink, with its RTT, and
 * the edge cache when asked), measures the bystander alone, ramps the load engine's learners through
 * the link until playback degrades, then narrows the harm boundary. The link is removed afterwards,
 * whatever happens.
 */
export async function probeSiteLink(args: LinkProbeArgs, log: Logger): Promise<LinkProbeResult> {
  const { spec, site, identity } = args;
  const targets: SiteTarget[] = [];
  if (args.lms) targets.push({ name: "lms", ...args.lms.internal });
  if (args.media) targets.push({ name: "media", ...args.media.internal });
  try {
    targets.push(await startBystanderService(identity, site.name, args.sandboxNetwork, log));
    const link = await createSiteLink(
      { sandbox: identity, site: trainingShareOfLink(site), sandboxNetwork: args.sandboxNetwork, targets },
      log,
    );
    const targetUrls = await siteTargetUrls(args, link, log);
    // built before the bystander starts: a first build inside a probe would shift its measured window
    await ensureImage(LOAD_RUNNER_IMAGE, log);
    const bystander = bystanderSession(
      identity,
      site.name,
      link.network,
      link.targetHostFor(BYSTANDER_TARGET).url,
      log,
    );
    const baseline = await bystander.baseline(BASELINE_S);
    const via = args.cache ? ` (${args.cache.kind} cache)` : "";
    log.info(
      `  ${site.name}${via}: bystander alone on the link: p95 ${baseline.p95Ms} ms, ${baseline.errors} error(s)`,
    );
    const steps: BystanderStep[] = [];
    const probe = async (learners: number) => {
      const rampS = args.rampS ?? Math.min(30, Math.max(5, learners));
      const durationS = args.durationS ?? 60;
      const window = { fromS: rampS + RUNNER_START_S, toS: rampS + RUNNER_START_S + durationS };
      const { value, stats } = await bystander.beside(window, () =>
        runLoad({
          spec,
          learners,
          site: site.name,
          network: link.network,
          mode: "containers",
          targetUrls,
          candidates: {
            ...(args.lms ? { lms: args.lms.candidate } : {}),
            ...(args.media ? { media: args.media.candidate } : {}),
          },
          rampS,
          durationS,
          ...(args.pin?.nominalKbps ? { pinnedRenditionKbps: args.pin.nominalKbps } : {}),
          log,
        }),
      );
      const step = { learners, ...stats };
      steps.push(step);
      log.info(
        `  ${site.name}${via}: bystander with ${learners} learners: p95 ${stats.p95Ms} ms, ${stats.errors} error(s)`,
      );
      return { step, playback: playbackFromLoadRun(value, args.segmentDurationS) };
    };
    const search = await findCapacity({
      run: async (learners) => (await probe(learners)).playback,
      start: Math.max(1, args.start),
      maxLearners: spec.load.maxLearners,
      maxProbes: args.maxProbes ?? 8,
      limits: {
        rebufferRatio: spec.policy.thresholds.rebufferRatio,
        p95SegmentFetchOverDuration: DEFAULT_FETCH_OVER_DURATION_LIMIT,
        errorRate: spec.policy.thresholds.httpErrorRate,
      },
      onProbe: (p) =>
        log.info(
          `  ${site.name}${via}: ${p.learners} learners ${p.degraded ? `degraded (${p.reasons.join("; ")})` : "play well"}`,
        ),
    });
    const rule = spec.policy.bystanderHarm;
    const allSteps = await refineHarmBoundary({
      steps,
      baseline,
      rule,
      probe: async (learners) => (await probe(learners)).step,
      expectedLearners: site.learners,
      maxLearners: spec.load.maxLearners,
    });
    return { search, bystander: bystanderResult(baseline, allSteps, rule, site.learners) };
  } finally {
    await removeSiteLink(spec.name, site.name);
  }
}
