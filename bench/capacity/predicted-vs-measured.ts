/**
 * Predicted against measured N_max at two link speeds, on the local Docker Engine.
 *
 *   npx tsx bench/capacity/predicted-vs-measured.ts [--links 4,8] [--watch-s 16] [--max-probes 6]
 *
 * Packages a small HLS ladder, measures its peak and average segment bitrates, predicts N_max for its
 * top rendition at each link speed (peak-based, and with the multiplexing term of capacity/multiplexing.ts), then finds the measured N_max by ramping the project's load engine's
 * hls-viewer learners through a real site gateway (tbf + userspace RTT) until playback degrades.
 * A bystander (capacity/bystander-*.ts) shares each link: its p95 alone and beside every probe.
 * Traffic stays on the bench's own docker networks. Writes bench/out/capacity-predicted-vs-measured.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  DEFAULT_FETCH_OVER_DURATION_LIMIT,
  findCapacity,
  predictionError,
  siteCapacity,
  withMeasurement,
} from "../../sandbox-cli/src/capacity/index.ts";
import { measureHlsFolder } from "../../sandbox-cli/src/media/measure-folder.ts";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";
import type { ResolvedSite } from "../../sandbox-cli/src/sandbox-spec/resolve-sites.ts";
import { BYSTANDER_TARGET, startBystanderService } from "../../sandbox-cli/src/sites/bystander-containers.ts";
import { bystanderSession } from "../../sandbox-cli/src/sites/bystander-session.ts";
import { createSiteLink, removeSiteLink } from "../../sandbox-cli/src/sites/index.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";
import { createLinkHarness, labelsOf } from "../../test/integration/sites/link-harness.ts";
import { makeBenchLadder } from "./hls-ladder.ts";
import { runViewersAtSite } from "./viewers-at-site.ts";

const { values } = parseArgs({
  options: {
    links: { type: "string", default: "4,8" },
    "watch-s": { type: "string", default: "16" },
    "max-probes": { type: "string", default: "6" },
    "rtt-ms": { type: "string", default: "30" },
    overhead: { type: "string", default: "0.1" },
  },
});
const links = values.links.split(",").map(Number);
const watchS = Number(values["watch-s"]);
const overhead = Number(values.overhead);
// the policy defaults (sandbox-spec/schema.ts thresholds), plus the segment fetch limit of the capacity search
const limits = {
  rebufferRatio: 0.02,
  p95SegmentFetchOverDuration: DEFAULT_FETCH_OVER_DURATION_LIMIT,
  errorRate: 0.01,
};

const log = createLogger();
const artifacts = join(projectRoot, "test-artifacts");
const ladderDir = join(artifacts, "bench-capacity-ladder");
await log.step("package the HLS ladder (ffmpeg)", () => makeBenchLadder(ladderDir, watchS + 8));
const media = await measureHlsFolder(ladderDir);
const top = media[0];
const topPlaylist = top?.playlists[0];
if (!top || !topPlaylist) throw new Error(`no rendition measured under ${ladderDir}`);
log.info(
  `measured ladder: ${media.map((m) => `${m.rendition} nominal ${m.nominalKbps} kbit/s, peak ${m.peakKbps.toFixed(0)}, avg ${m.averageKbps.toFixed(0)}`).join("; ")}`,
);

const harness = await createLinkHarness("bench-cap", { mediaDir: ladderDir });
const rows = [];
try {
  for (const downlinkMbps of links) {
    const site: ResolvedSite = {
      name: `link-${String(downlinkMbps).replace(".", "-")}`,
      downlinkMbps,
      uplinkMbps: Math.max(1, downlinkMbps / 2),
      rttMs: Number(values["rtt-ms"]),
      learners: 1,
      trainingShare: 1,
    };
    const predicted = siteCapacity(site, [top], { overhead, lms: { downKbps: 0, upKbps: 0 } });
    const bystanderTarget = await startBystanderService(harness.identity, site.name, harness.network, log);
    const link = await createSiteLink(
      {
        sandbox: harness.identity,
        site,
        sandboxNetwork: harness.network,
        targets: [{ name: "media", host: harness.fileServer, port: 8080 }, bystanderTarget],
      },
      log,
    );
    const bystander = bystanderSession(
      harness.identity,
      site.name,
      link.network,
      link.targetHostFor(BYSTANDER_TARGET).url,
      log,
    );
    const bystanderSteps: { learners: number; p95Ms: number; errors: number }[] = [];
    try {
      const baseline = await bystander.baseline(10);
      bystanderSteps.push({ learners: 0, p95Ms: baseline.p95Ms, errors: baseline.errors });
      const search = await findCapacity({
        start: Math.max(1, predicted.predictedNMax),
        maxLearners: 60,
        maxProbes: Number(values["max-probes"]),
        limits,
        run: (learners) =>
          log.step(`${site.name}: ${learners} learners watching ${top.rendition}`, async () => {
            const { value, stats } = await bystander.beside({ fromS: 8, toS: 8 + watchS - 2 }, () =>
              runViewersAtSite({
                learners,
                network: link.network,
                image: harness.imageTag,
                labels: labelsOf(harness.identity),
                mediaBaseUrl: `${link.targetHostFor("media").url}/files/`,
                playlist: topPlaylist,
                segmentDurationS: 2,
                watchS,
                rampS: 4,
                workDir: join(artifacts, "bench-capacity-runs"),
              }),
            );
            bystanderSteps.push({ learners, p95Ms: stats.p95Ms, errors: stats.errors });
            return value;
          }),
        onProbe: (probe) =>
          log.info(
            `  n=${probe.learners} rebuffer=${probe.rebufferRatio.toFixed(3)} p95 fetch/dur=${probe.p95SegmentFetchOverDuration.toFixed(2)} errors=${probe.errorRate.toFixed(3)} ${probe.degraded ? `DEGRADED (${probe.reasons.join("; ")})` : "ok"}`,
          ),
      });
      const measured = withMeasurement(predicted, search, { rendition: top.rendition });
      rows.push({ ...measured, bystanderSteps: bystanderSteps.sort((a, b) => a.learners - b.learners) });
      log.info(
        `${site.name}: predicted N_max ${predicted.predictedNMax}, measured ${search.measuredNMax}, error ${(predictionError(predicted.predictedNMax, search.measuredNMax) * 100).toFixed(1)}%`,
      );
    } finally {
      await removeSiteLink(harness.identity.name, site.name);
    }
  }
} finally {
  await harness.cleanup();
}

const outDir = join(projectRoot, "bench", "out");
await mkdir(outDir, { recursive: true });
const report = { schemaVersion: 1, overhead, media, limits, watchS, sites: rows };
await writeFile(join(outDir, "capacity-predicted-vs-measured.json"), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(
  "link Mbit/s | rendition | peak / avg kbit/s | predicted (peak) | predicted (multiplexed) | measured | error peak | error multiplexed\n",
);
const pct = (predicted: number, measured: number) =>
  `${(predictionError(predicted, measured) * 100).toFixed(1)}%`;
for (const row of rows) {
  const multiplexed = row.renditions[0]?.multiplexedNMax ?? row.predictedNMax;
  const measured = row.measuredNMax ?? 0;
  process.stdout.write(
    `${row.downlinkMbps} | ${top.rendition} | ${top.peakKbps.toFixed(0)} / ${top.averageKbps.toFixed(0)} | ${row.predictedNMax} | ${multiplexed} | ${measured}${row.measurement?.capped ? "+" : ""} | ${pct(row.predictedNMax, measured)} | ${pct(multiplexed, measured)}\n`,
  );
}
process.stdout.write("\nbystander p95 (ms) against learners on the link (0 = alone):\n");
for (const row of rows)
  process.stdout.write(
    `${row.downlinkMbps} Mbit/s: ${row.bystanderSteps.map((s) => `${s.learners}: ${s.p95Ms}${s.errors ? ` (${s.errors} err)` : ""}`).join(", ")}\n`,
  );
