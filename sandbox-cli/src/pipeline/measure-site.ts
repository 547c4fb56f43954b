import { type BystanderStep, bystanderResult } from "../capacity/bystander-harm.ts";
import { refineHarmBoundary } from "../capacity/bystander-search.ts";
import {
  DEFAULT_FETCH_OVER_DURATION_LIMIT,
  findCapacity,
  type MeasuredRendition,
  playbackFromLoadRun,
  predictedForRendition,
  renditionToPin,
  type SiteCapacity,
  withMeasurement,
} from "../capacity/index.ts";
import { infrastructureError } from "../errors.ts";
import { runLoad } from "../loadtest/run.ts";
import { candidatesOfKind, readSandboxView } from "../sandbox/view.ts";
import type { ResolvedSite } from "../sandbox-spec/resolve-sites.ts";
import type { SandboxSpec } from "../sandbox-spec/schema.ts";
import { BYSTANDER_TARGET, startBystanderService } from "../sites/bystander-containers.ts";
import { bystanderSession } from "../sites/bystander-session.ts";
import { createSiteLink, removeSiteLink, type SiteTarget, trainingShareOfLink } from "../sites/index.ts";
import type { Logger } from "../util/log.ts";

/** How long the bystander runs alone on the link before the first probe, seconds. */
const BASELINE_S = 15;
/** Runner containers start this long (at most, roughly) after a load run is asked for, seconds. */
const RUNNER_START_S = 3;

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
 * `sandbox loadtest --site NAME --find-capacity`: builds the site's link (shaped to the training share
 * of its downlink and uplink, with its RTT), ramps the load engine's learners through it until playback
 * degrades beyond the policy, and returns the predicted capacity with the measured N_max beside it.
 * The site link is removed afterwards, whatever happens.
 */
export async function measureSiteCapacity(args: MeasureSiteArgs, log: Logger): Promise<SiteCapacity> {
  const { spec, site } = args;
  const pin = renditionToPin(args.ladder, args.rendition ?? args.predicted.settledRendition ?? undefined);
  const sandbox = await readSandboxView(spec.name, "network");
  const lms = candidatesOfKind(sandbox, "lms")[0];
  const media = candidatesOfKind(sandbox, "media").find((m) => !args.media || m.candidate === args.media);
  if (!sandbox.network) {
    throw infrastructureError(
      "CAPACITY_NO_NETWORK",
      `sandbox "${spec.name}" has no docker network to attach a site to`,
      "site links exist on the docker target only; run `sandbox up` with target kind docker",
    );
  }
  const identity = { name: spec.name, owner: sandbox.owner, expiresAt: sandbox.expiresAt };
  const targets: SiteTarget[] = [];
  if (lms) targets.push({ name: "lms", ...lms.internal });
  if (media) targets.push({ name: "media", ...media.internal });
  try {
    targets.push(await startBystanderService(identity, site.name, sandbox.network, log));
    const link = await createSiteLink(
      { sandbox: identity, site: trainingShareOfLink(site), sandboxNetwork: sandbox.network, targets },
      log,
    );
    const bystander = bystanderSession(
      identity,
      site.name,
      link.network,
      link.targetHostFor(BYSTANDER_TARGET).url,
      log,
    );
    const baseline = await bystander.baseline(BASELINE_S);
    log.info(
      `  ${site.name}: bystander alone on the link: p95 ${baseline.p95Ms} ms, ${baseline.errors} error(s)`,
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
          targetUrls: {
            ...(lms ? { lms: link.targetHostFor("lms").url } : {}),
            ...(media ? { media: link.targetHostFor("media").url } : {}),
          },
          candidates: {
            ...(lms ? { lms: lms.candidate } : {}),
            ...(media ? { media: media.candidate } : {}),
          },
          rampS,
          durationS,
          ...(pin?.nominalKbps ? { pinnedRenditionKbps: pin.nominalKbps } : {}),
          log,
        }),
      );
      const step = { learners, ...stats };
      steps.push(step);
      log.info(
        `  ${site.name}: bystander with ${learners} learners: p95 ${stats.p95Ms} ms, ${stats.errors} error(s)`,
      );
      return { step, playback: playbackFromLoadRun(value, args.segmentDurationS) };
    };
    const predictedForPin = predictedForRendition(args.predicted, pin?.rendition ?? null);
    if (pin)
      log.info(`  ${site.name}: every viewer plays ${pin.rendition} (predicted N_max ${predictedForPin})`);
    const search = await findCapacity({
      run: async (learners) => (await probe(learners)).playback,
      start: Math.max(1, predictedForPin),
      maxLearners: spec.load.maxLearners,
      maxProbes: args.maxProbes ?? 8,
      limits: {
        rebufferRatio: spec.policy.thresholds.rebufferRatio,
        p95SegmentFetchOverDuration: DEFAULT_FETCH_OVER_DURATION_LIMIT,
        errorRate: spec.policy.thresholds.httpErrorRate,
      },
      onProbe: (p) =>
        log.info(
          `  ${site.name}: ${p.learners} learners ${p.degraded ? `degraded (${p.reasons.join("; ")})` : "play well"}`,
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
    return {
      ...withMeasurement(args.predicted, search, { rendition: pin?.rendition ?? null }),
      bystander: bystanderResult(baseline, allSteps, rule, site.learners),
    };
  } finally {
    await removeSiteLink(spec.name, site.name);
  }
}
