/**
 * Predicted against measured N_max per link speed and rendition, without and with a branch edge cache,
 * on the local Docker Engine, in one run.
 *
 *   npx tsx bench/capacity/predicted-vs-measured.ts [--links 4,10,20,40] [--caches none,nginx]
 *        [--watch-s 16] [--max-probes 5] [--max-learners 60]
 *
 * Packages a small two-rendition HLS ladder, measures its peak and average segment bitrates, predicts
 * N_max per case (peak-based, with the multiplexing term of capacity/multiplexing.ts, and the cached
 * form of capacity/edge-cache.ts), then finds the measured N_max by ramping the load engine's
 * hls-viewer learners through a real site gateway (tbf + userspace RTT), and through a real nginx or
 * Varnish cache on the branch side when the case has one, until playback degrades. The gateway's sent
 * bytes per probe show what crossed the WAN. A bystander shares each link: its p95 alone and beside
 * every probe. Traffic stays on the bench's own docker networks; every probe is bounded.
 * Writes bench/out/capacity-predicted-vs-measured.json.
 */
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import {
  DEFAULT_FETCH_OVER_DURATION_LIMIT,
  predictionError,
} from "../../sandbox-cli/src/capacity/index.ts";
import { measureHlsFolder } from "../../sandbox-cli/src/media/measure-folder.ts";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";
import { createLinkHarness } from "../../test/integration/sites/link-harness.ts";
import { type BenchCaseResult, runBenchCase } from "./bench-case.ts";
import { makeBenchLadder } from "./hls-ladder.ts";

const { values } = parseArgs({
  options: {
    links: { type: "string", default: "4,10,20,40" },
    caches: { type: "string", default: "none,nginx" },
    "watch-s": { type: "string", default: "16" },
    "max-probes": { type: "string", default: "5" },
    "max-learners": { type: "string", default: "60" },
    "rtt-ms": { type: "string", default: "30" },
    overhead: { type: "string", default: "0.1" },
  },
});
const links = values.links.split(",").map(Number);
const caches = values.caches.split(",").map((c) => (c === "none" ? null : (c as "nginx" | "varnish")));
const watchS = Number(values["watch-s"]);
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
log.info(
  `measured ladder: ${media.map((m) => `${m.rendition} nominal ${m.nominalKbps} kbit/s, peak ${m.peakKbps.toFixed(0)}, avg ${m.averageKbps.toFixed(0)}`).join("; ")}`,
);

/** One copy of a rendition's segments, MB: what a cached WAN should carry at most per probe. */
async function oneCopyMb(playlist: string): Promise<number> {
  const folder = dirname(join(ladderDir, playlist));
  const files = (await readdir(folder)).filter((f) => f.endsWith(".ts") || f.endsWith(".m4s"));
  const sizes = await Promise.all(files.map(async (f) => (await stat(join(folder, f))).size));
  return sizes.reduce((a, b) => a + b, 0) / 1e6;
}

const harness = await createLinkHarness("i18-bench-cap", { mediaDir: ladderDir });
const rows: (BenchCaseResult & { oneCopyMb: number; peakKbps: number; averageKbps: number })[] = [];
try {
  for (const downlinkMbps of links)
    for (const rendition of media)
      for (const cache of caches) {
        const playlist = rendition.playlists[0];
        if (!playlist) throw new Error(`rendition ${rendition.rendition} has no playlist`);
        const result = await runBenchCase(
          {
            harness,
            downlinkMbps,
            rttMs: Number(values["rtt-ms"]),
            rendition,
            playlist,
            cache,
            overhead: Number(values.overhead),
            limits,
            watchS,
            segmentDurationS: 2,
            maxLearners: Number(values["max-learners"]),
            maxProbes: Number(values["max-probes"]),
            workDir: join(artifacts, "bench-capacity-runs"),
          },
          log,
        );
        rows.push({
          ...result,
          oneCopyMb: await oneCopyMb(playlist),
          peakKbps: rendition.peakKbps,
          averageKbps: rendition.averageKbps,
        });
        log.info(
          `${downlinkMbps} Mbit/s ${rendition.rendition}${cache ? ` ${cache} cache` : ""}: predicted ${result.predictedMultiplexed}, measured ${result.search.measuredNMax}${result.search.capped ? "+" : ""}; WAN / viewers MB per probe: ${result.bytes.map((b) => `n=${b.learners} ${b.wanMb.toFixed(1)} / ${b.viewersMb.toFixed(1)}`).join(", ")}; bystander p95 ms: ${result.bystander.map((b) => `${b.learners}: ${b.p95Ms}`).join(", ")}`,
        );
        // written after every case, so a run stopped early keeps what it measured
        await writeResults(rows);
      }
} finally {
  await harness.cleanup();
}

await writeResults(rows);
printTables(rows);

async function writeResults(cases: typeof rows): Promise<void> {
  const outDir = join(projectRoot, "bench", "out");
  await mkdir(outDir, { recursive: true });
  const report = { schemaVersion: 2, overhead: Number(values.overhead), media, limits, watchS, cases };
  await writeFile(
    join(outDir, "capacity-predicted-vs-measured.json"),
    `${JSON.stringify(report, null, 2)}\n`,
  );
}

function printTables(cases: typeof rows): void {
  const pct = (predicted: number, measured: number) =>
    `${(predictionError(predicted, measured) * 100).toFixed(1)}%`;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    "link Mbit/s | rendition | cache | peak / avg kbit/s | predicted (peak) | predicted (multiplexed) | measured | error peak | error multiplexed | WAN MB / viewers MB / one copy MB at the largest good probe",
  );
  for (const row of cases) {
    const measured = row.search.measuredNMax;
    const capped = row.search.capped ? "+ (capped)" : "";
    const good = [...row.bytes].reverse().find((b) => b.learners === measured) ?? row.bytes.at(-1);
    const bytes = good
      ? `${good.wanMb.toFixed(1)} / ${good.viewersMb.toFixed(1)} / ${row.oneCopyMb.toFixed(1)} (n=${good.learners})`
      : "-";
    out(
      `${row.link} | ${row.rendition} | ${row.cache ?? "none"} | ${row.peakKbps.toFixed(0)} / ${row.averageKbps.toFixed(0)} | ${row.predictedPeak} | ${row.predictedMultiplexed} | ${measured}${capped} | ${pct(row.predictedPeak, measured)} | ${pct(row.predictedMultiplexed, measured)} | ${bytes}`,
    );
  }
  out("\nbystander p95 (ms) against learners on the link (0 = alone):");
  for (const row of cases)
    out(
      `${row.link} Mbit/s ${row.rendition} ${row.cache ?? "direct"}: ${row.bystander.map((s) => `${s.learners}: ${s.p95Ms}${s.errors ? ` (${s.errors} err)` : ""}`).join(", ")}`,
    );
}
