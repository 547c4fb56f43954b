import { join } from "node:path";
import { cachedNMax } from "../../sandbox-cli/src/capacity/edge-cache.ts";
import {
  type CapacitySearchResult,
  type DegradationLimits,
  findCapacity,
  type MeasuredRendition,
  siteCapacity,
} from "../../sandbox-cli/src/capacity/index.ts";
import type { ResolvedSite } from "../../sandbox-cli/src/sandbox-spec/resolve-sites.ts";
import { BYSTANDER_TARGET, startBystanderService } from "../../sandbox-cli/src/sites/bystander-containers.ts";
import { bystanderSession } from "../../sandbox-cli/src/sites/bystander-session.ts";
import { containerSentBytes } from "../../sandbox-cli/src/sites/docker-lookups.ts";
import { createSiteLink, removeSiteLink, startEdgeCache } from "../../sandbox-cli/src/sites/index.ts";
import type { Logger } from "../../sandbox-cli/src/util/log.ts";
import { type LinkHarness, labelsOf } from "../../test/integration/sites/link-harness.ts";
import { runViewersAtSite } from "./viewers-at-site.ts";

export interface BenchCaseArgs {
  readonly harness: LinkHarness;
  readonly downlinkMbps: number;
  readonly rttMs: number;
  readonly rendition: MeasuredRendition;
  /** the rendition's media playlist under /files/ on the harness's file server. */
  readonly playlist: string;
  readonly cache: "nginx" | "varnish" | null;
  readonly overhead: number;
  readonly limits: DegradationLimits;
  readonly watchS: number;
  readonly segmentDurationS: number;
  readonly maxLearners: number;
  readonly maxProbes: number;
  readonly workDir: string;
}

export interface ProbeBytes {
  readonly learners: number;
  /** what crossed the WAN (the gateway's sent bytes) during the probe, MB. */
  readonly wanMb: number;
  /** what the viewers received, MB. */
  readonly viewersMb: number;
}

export interface BenchCaseResult {
  readonly link: number;
  readonly rendition: string;
  readonly cache: string | null;
  readonly predictedPeak: number;
  readonly predictedMultiplexed: number;
  readonly search: CapacitySearchResult;
  readonly bytes: ProbeBytes[];
  readonly bystander: { learners: number; p95Ms: number; errors: number }[];
}

/** The model's figures for one case: peak-based and multiplexed direct, or the cached form. */
function predictionsFor(site: ResolvedSite, args: BenchCaseArgs) {
  const lms = { downKbps: 0, upKbps: 0 };
  if (args.cache) {
    const cached = cachedNMax(site, args.rendition.peakKbps, args.overhead, lms);
    return { peak: cached, multiplexed: cached };
  }
  const row = siteCapacity(site, [args.rendition], { overhead: args.overhead, lms }).renditions[0];
  return { peak: row?.predictedNMax ?? 0, multiplexed: row?.multiplexedNMax ?? row?.predictedNMax ?? 0 };
}

/**
 * One case of the bench: a site link at `downlinkMbps` (with a real edge cache on its branch side when
 * asked), the bystander beside every probe, the capacity search with every viewer at one rendition,
 * and the WAN's bytes per probe counted at the gateway.
 */
export async function runBenchCase(args: BenchCaseArgs, log: Logger): Promise<BenchCaseResult> {
  const { harness } = args;
  const site: ResolvedSite = {
    name: `l${args.downlinkMbps}-${args.rendition.rendition}${args.cache ? "-c" : ""}`,
    downlinkMbps: args.downlinkMbps,
    uplinkMbps: Math.max(1, args.downlinkMbps / 2),
    rttMs: args.rttMs,
    learners: 1,
    trainingShare: 1,
  };
  const predicted = predictionsFor(site, args);
  const bystanderTarget = await startBystanderService(harness.identity, site.name, harness.network, log);
  try {
    const link = await createSiteLink(
      {
        sandbox: harness.identity,
        site,
        sandboxNetwork: harness.network,
        targets: [{ name: "media", host: harness.fileServer, port: 8080 }, bystanderTarget],
      },
      log,
    );
    const media = link.targetHostFor("media");
    const base = args.cache
      ? (
          await startEdgeCache(
            {
              identity: harness.identity,
              site: site.name,
              siteNetwork: link.network,
              cache: { kind: args.cache, sizeMb: 256 },
              upstream: media,
            },
            log,
          )
        ).url
      : media.url;
    const bystander = bystanderSession(
      harness.identity,
      site.name,
      link.network,
      link.targetHostFor(BYSTANDER_TARGET).url,
      log,
    );
    const baseline = await bystander.baseline(10);
    const steps = [{ learners: 0, p95Ms: baseline.p95Ms, errors: baseline.errors }];
    const bytes: ProbeBytes[] = [];
    const search = await findCapacity({
      start: Math.max(1, Math.min(predicted.multiplexed, args.maxLearners)),
      maxLearners: args.maxLearners,
      maxProbes: args.maxProbes,
      limits: args.limits,
      run: (learners) =>
        log.step(`${site.name}: ${learners} learners at ${args.rendition.rendition}`, async () => {
          const before = await containerSentBytes(link.gateway.id);
          const { value, stats } = await bystander.beside({ fromS: 8, toS: 8 + args.watchS - 2 }, () =>
            runViewersAtSite({
              learners,
              network: link.network,
              image: harness.imageTag,
              labels: labelsOf(harness.identity),
              mediaBaseUrl: `${base}/files/`,
              playlist: args.playlist,
              segmentDurationS: args.segmentDurationS,
              watchS: args.watchS,
              rampS: 4,
              workDir: join(args.workDir, site.name),
            }),
          );
          const wan = (await containerSentBytes(link.gateway.id)) - before;
          const received = value.summary.metrics.data_received;
          const viewers = received?.type === "counter" ? received.values.count : 0;
          bytes.push({ learners, wanMb: wan / 1e6, viewersMb: viewers / 1e6 });
          steps.push({ learners, p95Ms: stats.p95Ms, errors: stats.errors });
          return value;
        }),
      onProbe: (p) =>
        log.info(
          `  n=${p.learners} rebuffer=${p.rebufferRatio.toFixed(3)} p95 fetch/dur=${p.p95SegmentFetchOverDuration.toFixed(2)} errors=${p.errorRate.toFixed(3)} ${p.degraded ? `DEGRADED (${p.reasons.join("; ")})` : "ok"}`,
        ),
    });
    return {
      link: args.downlinkMbps,
      rendition: args.rendition.rendition,
      cache: args.cache,
      predictedPeak: predicted.peak,
      predictedMultiplexed: predicted.multiplexed,
      search,
      bytes,
      bystander: steps.sort((a, b) => a.learners - b.learners),
    };
  } finally {
    await removeSiteLink(harness.identity.name, site.name);
  }
}
