/**
 * Cost of the load engine per request against a minimal hand-written Node script (baseline.mjs) that fetches
 * the same HLS requests from the project's media server (images/media-nginx on 127.0.0.1), both unpaced with
 * the same concurrency, alternated A/B over several rounds. Figure: requests per CPU-second, engine / baseline.
 * Usage: npx tsx bench/loadtest/engine-cost.ts [viewers=20] [seconds=8] [rounds=3]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleRunner } from "../../loadtests/bundle.ts";
import type { EngineSummary } from "../../loadtests/lib/engine.ts";
import { runProgram } from "../../sandbox-cli/src/util/exec.ts";
import { makeHlsLadder } from "../../test/integration/loadtest/hls-fixture.ts";
import { startMediaServer } from "./media-server.ts";

const [viewers = 20, seconds = 8, rounds = 3] = process.argv.slice(2).map(Number);
const out = join(process.cwd(), "bench", "out", "loadtest");
mkdirSync(out, { recursive: true });
const ladder = join(process.cwd(), "test-artifacts", "bench-ladder-2s");
await makeHlsLadder(ladder, 20, 2);
console.error("ladder ready");
const server = await startMediaServer(ladder);
console.error("media server", server.url);
const bundle = join(out, "runner.cjs");
await bundleRunner(bundle);
const master = `${server.url}/media/bench/master.m3u8`;

async function engineRound(i: number) {
  const config = {
    runId: `cost-${i}`,
    samplesPath: join(out, `cost-${i}.ndjson`),
    summaryPath: join(out, `cost-${i}.json`),
    maxRunS: seconds + 30,
    scenarios: {
      "hls-viewer": {
        stages: [
          { durationS: 0, target: viewers },
          { durationS: seconds, target: viewers },
        ],
        gracefulStopS: 0,
        mediaBaseUrl: server.url,
        masters: ["/media/bench/master.m3u8"],
        paced: false,
      },
    },
  };
  writeFileSync(join(out, "cost.json"), JSON.stringify(config));
  await runProgram(process.execPath, [bundle], { env: { LOAD_CONFIG_FILE: join(out, "cost.json") } });
  const summary = JSON.parse(readFileSync(config.summaryPath, "utf8")) as EngineSummary;
  const reqs = summary.metrics.http_reqs;
  const failed = summary.metrics.http_req_failed;
  const requests = reqs?.type === "counter" ? reqs.values.count : 0;
  const cpuS = summary.runner.cpuCores * summary.elapsedS;
  rmSync(config.samplesPath, { force: true });
  return {
    requests,
    cpuS,
    errors: failed?.type === "rate" ? failed.values.passes : -1,
    perCpuS: requests / cpuS,
  };
}

async function baselineRound() {
  const { stdout } = await runProgram(process.execPath, [
    join(process.cwd(), "bench", "loadtest", "baseline.mjs"),
    master,
    String(viewers),
    String(seconds),
  ]);
  const r = JSON.parse(stdout) as { requests: number; errors: number; cpuMs: number };
  return {
    requests: r.requests,
    cpuS: r.cpuMs / 1000,
    errors: r.errors,
    perCpuS: r.requests / (r.cpuMs / 1000),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
try {
  const engine: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const a = await baselineRound();
    const b = await engineRound(i);
    baseline.push(a.perCpuS);
    engine.push(b.perCpuS);
    console.log(
      `round ${i + 1}: baseline ${a.requests} req / ${a.cpuS.toFixed(2)} cpu-s = ${a.perCpuS.toFixed(0)} (errors ${a.errors}); engine ${b.requests} req / ${b.cpuS.toFixed(2)} cpu-s = ${b.perCpuS.toFixed(0)} (errors ${b.errors})`,
    );
  }
  const ratio = median(engine) / median(baseline);
  const result = {
    viewers,
    seconds,
    rounds,
    baselineReqPerCpuS: median(baseline),
    engineReqPerCpuS: median(engine),
    ratio,
    goal: 0.9,
    met: ratio >= 0.9,
  };
  console.log(JSON.stringify(result));
  writeFileSync(join(out, "engine-cost.json"), JSON.stringify(result, null, 2));
} finally {
  await server.stop();
}
