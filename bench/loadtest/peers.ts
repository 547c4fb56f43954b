/**
 * The engine against real peers, side by side in one run: the plain GET script (loadtests/scenarios/plain-get.ts)
 * on the engine's bundled runner, autocannon and Artillery each send the same number of GETs over the same number
 * of concurrent connections (VUs) to one server in this process on 127.0.0.1, in alternating rounds.
 * Figure: requests per CPU-second of the load generator, from the kernel's accounting of its process tree
 * (process-cpu.ts), never its wall time: "steady" leaves out its start-up (the CPU it had used when the server
 * saw its first request), "whole" is the whole process. Medians over the rounds.
 * Usage: node --import tsx bench/loadtest/peers.ts [requests=5000] [connections=10] [rounds=3]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { bundleRunner } from "../../loadtests/bundle.ts";
import type { EngineSummary } from "../../loadtests/lib/engine.ts";
import { prepareScript } from "../../loadtests/script/prepare.ts";
import { startProgram } from "../../sandbox-cli/src/util/exec.ts";
import { ensurePeers } from "./peers-install.ts";
import { reapedChildrenCpuS, treeCpuS } from "./process-cpu.ts";

const [requests = 5000, connections = 10, rounds = 3] = process.argv.slice(2).map(Number);
const out = join(process.cwd(), "bench", "out", "loadtest");
mkdirSync(out, { recursive: true });
const peers = await ensurePeers();

/** The target: a fixed small body, counted here so every tool is measured by the same count. */
const round = { served: 0, generator: 0, cpuAtFirstS: 0 };
const body = Buffer.from('{"ok":true}');
const server = http.createServer((_req, res) => {
  if (round.served++ === 0 && round.generator) round.cpuAtFirstS = treeCpuS(round.generator);
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length }).end(body);
});
server.keepAliveTimeout = 30_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = (server.address() as AddressInfo).port;
const url = `http://127.0.0.1:${port}/`;

interface Tool {
  readonly name: string;
  /** program and arguments; `errors` reads the generator's own error count from what it wrote. */
  readonly command: () => { program: string; args: string[]; env?: Record<string, string> };
  readonly errors: (stdout: string) => number;
}

const bundle = join(out, "runner.cjs");
await bundleRunner(bundle);
const prepared = await prepareScript(join(process.cwd(), "loadtests", "scenarios", "plain-get.ts"), {
  URL: url,
  VUS: String(connections),
  REQUESTS: String(requests),
});
const engineConfig = join(out, "peers-engine.json");
writeFileSync(
  engineConfig,
  JSON.stringify({
    runId: "peers",
    samplesPath: join(out, "peers-engine.ndjson"),
    summaryPath: join(out, "peers-engine-summary.json"),
    maxRunS: 120,
    allowHosts: [`127.0.0.1:${port}`],
    script: prepared.runner,
  }),
);
const artilleryConfig = join(out, "peers-artillery.json");
writeFileSync(
  artilleryConfig,
  JSON.stringify({
    config: {
      target: url.slice(0, -1),
      phases: [{ duration: 1, arrivalCount: connections }],
      http: { timeout: 30 },
    },
    scenarios: [{ flow: [{ loop: [{ get: { url: "/" } }], count: Math.ceil(requests / connections) }] }],
  }),
);

const tools: Tool[] = [
  {
    name: "engine",
    command: () => ({ program: process.execPath, args: [bundle], env: { LOAD_CONFIG_FILE: engineConfig } }),
    errors: () => {
      const s = JSON.parse(readFileSync(join(out, "peers-engine-summary.json"), "utf8")) as EngineSummary;
      const failed = s.metrics.http_req_failed;
      return failed?.type === "rate" ? failed.values.passes : Number.NaN;
    },
  },
  {
    name: "autocannon",
    command: () => ({
      program: process.execPath,
      args: [peers.autocannon, "-c", String(connections), "-a", String(requests), "-j", url],
    }),
    errors: (stdout) => {
      const r = JSON.parse(stdout) as { errors: number; non2xx: number; timeouts: number };
      return r.errors + r.non2xx + r.timeouts;
    },
  },
  {
    name: "artillery",
    command: () => ({
      program: process.execPath,
      args: [
        peers.artillery,
        "run",
        "--quiet",
        "--output",
        join(out, "peers-artillery-report.json"),
        artilleryConfig,
      ],
      // no telemetry, no update check: the bench sends nothing anywhere but 127.0.0.1
      env: { ARTILLERY_DISABLE_TELEMETRY: "true", NO_UPDATE_NOTIFIER: "1", ARTILLERY_WORKERS: "1" },
    }),
    errors: () => {
      const report = JSON.parse(readFileSync(join(out, "peers-artillery-report.json"), "utf8")) as {
        aggregate: { counters: Record<string, number> };
      };
      const c = report.aggregate.counters;
      return (c["vusers.failed"] ?? 0) + Object.entries(c).filter(([k]) => k.startsWith("errors.")).length;
    },
  },
];

async function measure(tool: Tool) {
  const { program, args, env } = tool.command();
  const before = reapedChildrenCpuS();
  round.served = 0;
  round.cpuAtFirstS = 0;
  const started = Date.now();
  const child = startProgram(program, args, {
    env: { ...env },
    timeout: 180_000,
    reject: false,
    stdin: "ignore",
  });
  round.generator = child.pid ?? 0;
  const result = await child;
  round.generator = 0;
  const wholeS = reapedChildrenCpuS() - before;
  if (result.exitCode !== 0)
    throw new Error(`${tool.name} exited ${result.exitCode}: ${String(result.stderr).slice(-800)}`);
  const served = round.served;
  return {
    tool: tool.name,
    served,
    errors: tool.errors(String(result.stdout)),
    wallS: (Date.now() - started) / 1000,
    cpuWholeS: wholeS,
    cpuStartupS: round.cpuAtFirstS,
    steadyPerCpuS: served / (wholeS - round.cpuAtFirstS),
    wholePerCpuS: served / wholeS,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const results: Awaited<ReturnType<typeof measure>>[] = [];
try {
  for (let r = 0; r < rounds; r++) {
    // alternate the order, so no tool always runs first (or right after the same peer)
    for (let k = 0; k < tools.length; k++) {
      const m = await measure(tools[(r + k) % tools.length] as Tool);
      results.push(m);
      console.log(
        `round ${r + 1} ${m.tool}: ${m.served} req (errors ${m.errors}) in ${m.wallS.toFixed(1)} s; cpu ${m.cpuWholeS.toFixed(2)} s (start-up ${m.cpuStartupS.toFixed(2)} s): ${m.steadyPerCpuS.toFixed(0)} req/cpu-s steady, ${m.wholePerCpuS.toFixed(0)} whole`,
      );
    }
  }
  const of = (tool: string, key: "steadyPerCpuS" | "wholePerCpuS") =>
    median(results.filter((m) => m.tool === tool).map((m) => m[key]));
  const summary = {
    requests,
    connections,
    rounds,
    steadyReqPerCpuS: Object.fromEntries(tools.map((t) => [t.name, Math.round(of(t.name, "steadyPerCpuS"))])),
    wholeReqPerCpuS: Object.fromEntries(tools.map((t) => [t.name, Math.round(of(t.name, "wholePerCpuS"))])),
    engineVsArtillery: of("engine", "steadyPerCpuS") / of("artillery", "steadyPerCpuS"),
    engineVsAutocannon: of("engine", "steadyPerCpuS") / of("autocannon", "steadyPerCpuS"),
    goals: { artillery: 1.0, autocannon: 0.8 },
    errors: results.reduce((n, m) => n + m.errors, 0),
  };
  console.log(JSON.stringify(summary));
  writeFileSync(join(out, "peers.json"), JSON.stringify({ summary, rounds: results }, null, 2));
} finally {
  server.closeAllConnections();
  server.close();
  rmSync(join(out, "peers-engine.ndjson"), { force: true });
}
