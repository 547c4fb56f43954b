/**
 * How many paced HLS learners one runner process emulates on this machine against the project's media
 * server (images/media-nginx, 127.0.0.1): steps the learner count up until the error rate reaches 1% or the
 * runner saturates (CPU above 0.85 core, or event-loop delay p99 above 250 ms). Each step is bounded (ramp +
 * hold seconds). Usage: npx tsx bench/loadtest/hls-capacity.ts [levels=100,200,400,800,1200] [holdS=20] [bandwidthKbps]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleRunner } from "../../loadtests/bundle.ts";
import type { EngineSummary } from "../../loadtests/lib/engine.ts";
import { startResourceSampler } from "../../sandbox-cli/src/loadtest/resources.ts";
import { runProgram } from "../../sandbox-cli/src/util/exec.ts";
import { makeHlsLadder } from "../../test/integration/loadtest/hls-fixture.ts";
import { startMediaServer } from "./media-server.ts";

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
const server = await startMediaServer(ladder);
const bundle = join(out, "runner.cjs");
await bundleRunner(bundle);

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
    writeFileSync(join(out, "cap.json"), JSON.stringify(config));
    const host0 = hostCpu();
    const sampler = startResourceSampler([{ container: server.container, role: "media" }], 2000);
    await runProgram(process.execPath, [bundle], {
      env: { LOAD_CONFIG_FILE: join(out, "cap.json") },
      timeout: (config.maxRunS + 30) * 1000,
    });
    const host1 = hostCpu();
    const [media] = await sampler.stop(Date.now());
    const s = JSON.parse(readFileSync(config.summaryPath, "utf8")) as EngineSummary;
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
    join(out, `hls-capacity${bandwidthKbps ? `-${bandwidthKbps}k` : ""}.json`),
    JSON.stringify(result, null, 2),
  );
  console.log(
    JSON.stringify({ maxPacedLearners: result.maxPacedLearners, cappedByLevels: result.cappedByLevels }),
  );
} finally {
  await server.stop();
}
