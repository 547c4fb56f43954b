/**
 * How many paced HLS learners one runner process emulates on this machine against the project's media
 * server (images/media-nginx, 127.0.0.1): steps the learner count up until the error rate reaches 1% or the
 * runner saturates (CPU above 0.85 core, or event-loop delay p99 above 250 ms). Each step is bounded (ramp +
 * hold seconds). Usage: npx tsx bench/loadtest/hls-capacity.ts [levels=100,200,400,800,1200] [holdS=20] [bandwidthKbps]
 * With HLS_BENCH_ON_NETWORK=1 the runner is a sandbox/load-runner container on a private docker network with the
 * media server (as in a sandbox: no docker-proxy on the path), instead of a process on this host via 127.0.0.1.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleRunner } from "../../loadtests/bundle.ts";
import type { EngineSummary } from "../../loadtests/lib/engine.ts";
import { startResourceSampler } from "../../sandbox-cli/src/loadtest/resources.ts";
import { runContainerRunners } from "../../sandbox-cli/src/loadtest/runners.ts";
import { runProgram } from "../../sandbox-cli/src/util/exec.ts";
import { silentLogger } from "../../sandbox-cli/src/util/log.ts";
import { makeHlsLadder } from "../../test/integration/loadtest/hls-fixture.ts";
import { benchNetwork, startMediaServer } from "./media-server.ts";

const levels = (process.argv[2] ?? "100,200,400,800,1200").split(",").map(Number);
const holdS = Number(process.argv[3] ?? 20);
/** the emulated link per learner, kbit/s: picks the rendition (unset: the top one). */
const bandwidthKbps = process.argv[4] ? Number(process.argv[4]) : undefined;

/** Busy share of every core of the host, from /proc/stat (docker-proxy and the kernel's loopback work included). */
function hostCpu(): { busy: number; total: number } {
  const fields =
    readFileSync("/proc/stat", "utf8").split("\n")[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total };
}
const rampS = 10;
const out = join(process.cwd(), "bench", "out", "loadtest");
mkdirSync(out, { recursive: true });
const ladder = join(process.cwd(), "test-artifacts", "bench-ladder-2s");
await makeHlsLadder(ladder, 20, 2);
const network = process.env.HLS_BENCH_ON_NETWORK === "1" ? await benchNetwork() : undefined;
const server = await startMediaServer(ladder, network?.name);
const bundle = join(out, "runner.cjs");
await bundleRunner(bundle);

/** One level: the runner as a process on this host (127.0.0.1), or as a container on the bench's network. */
async function runLevel(config: {
  samplesPath: string;
  summaryPath: string;
  maxRunS: number;
  scenarios: { "hls-viewer": { mediaBaseUrl: string } };
}): Promise<EngineSummary> {
  if (!network) {
    writeFileSync(join(out, "cap.json"), JSON.stringify(config));
    await runProgram(process.execPath, [bundle], {
      env: { LOAD_CONFIG_FILE: join(out, "cap.json") },
      timeout: (config.maxRunS + 30) * 1000,
    });
    return JSON.parse(readFileSync(config.summaryPath, "utf8")) as EngineSummary;
  }
  const { samplesPath: _s, summaryPath: _p, ...shared } = config;
  const outDir = join(out, "on-network");
  const scenario = { ...config.scenarios["hls-viewer"], mediaBaseUrl: "http://media:8080" };
  const outputs = await runContainerRunners(
    {
      config: { ...shared, scenarios: { "hls-viewer": scenario } },
      runners: 1,
      outDir,
      startDelayMs: 2000,
      maxRunS: config.maxRunS,
    },
    { network: network.name, labels: { "sandbox.bench": "loadtest" }, namePrefix: `${network.name}-runner` },
    silentLogger,
  );
  rmSync(join(outDir, "samples-1.ndjson"), { force: true });
  return outputs.summaries[0] as EngineSummary;
}

const value = (s: EngineSummary, name: string, key: string) =>
  (s.metrics[name]?.values as Record<string, number> | undefined)?.[key] ?? 0;
const rows = [];
try {
  for (const learners of levels) {
    const config = {
      runId: `cap-${learners}`,
      samplesPath: join(out, `cap-${learners}.ndjson`),
      summaryPath: join(out, `cap-${learners}.json`),
      maxRunS: rampS + holdS + 40,
      scenarios: {
        "hls-viewer": {
          stages: [
            { durationS: rampS, target: learners },
            { durationS: holdS, target: learners },
          ],
          gracefulStopS: 5,
          gracefulRampDownS: 5,
          mediaBaseUrl: server.url,
          masters: ["/media/bench/master.m3u8"],
          ...(bandwidthKbps ? { bandwidthKbps } : {}),
        },
      },
    };
    const host0 = hostCpu();
    const sampler = startResourceSampler([{ container: server.container, role: "media" }], 2000);
    const s = await runLevel(config);
    const host1 = hostCpu();
    const [media] = await sampler.stop(Date.now());
    rmSync(config.samplesPath, { force: true });
    const row = {
      learners,
      requests: value(s, "http_reqs", "count"),
      errorRate: value(s, "http_req_failed", "rate"),
      runnerCpuCores: Number(s.runner.cpuCores.toFixed(2)),
      eventLoopP99Ms: Number(s.runner.eventLoopDelayP99Ms.toFixed(1)),
      rssMb: Math.round(s.runner.maxRssBytes / 1e6),
      segmentFetchP95Ms: Number(value(s, "hls_segment_fetch_time", "p95").toFixed(1)),
      rebufferRatioAvg: Number(value(s, "hls_rebuffer_ratio", "avg").toFixed(4)),
      ttffP95Ms: Number(value(s, "hls_time_to_first_frame", "p95").toFixed(0)),
      receivedMbps: Number(((value(s, "data_received", "count") * 8) / 1e6 / s.elapsedS).toFixed(1)),
      hostCpuBusy: Number(((host1.busy - host0.busy) / (host1.total - host0.total)).toFixed(2)),
      mediaServerCpuPeak: Number(Math.max(0, ...(media?.samples ?? []).map((x) => x.cpuCores)).toFixed(2)),
    };
    // Saturated: the one JS thread near a full core, or timers late by a quarter second (pacing would drift).
    const ok = row.errorRate < 0.01 && row.runnerCpuCores < 0.85 && row.eventLoopP99Ms < 250;
    rows.push({ ...row, ok });
    console.log(JSON.stringify({ ...row, ok }));
    if (!ok) break;
  }
  const best = [...rows].reverse().find((r) => r.ok);
  const result = {
    holdS,
    rampS,
    rows,
    maxPacedLearners: best?.learners ?? 0,
    cappedByLevels: rows.every((r) => r.ok),
  };
  writeFileSync(
    join(out, `hls-capacity${bandwidthKbps ? `-${bandwidthKbps}k` : ""}${network ? "-on-network" : ""}.json`),
    JSON.stringify(result, null, 2),
  );
  console.log(
    JSON.stringify({ maxPacedLearners: result.maxPacedLearners, cappedByLevels: result.cappedByLevels }),
  );
} finally {
  await server.stop();
  await network?.remove();
}
