import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { parseArgs } from "node:util";
import { runBystander } from "./bystander.ts";
import { parseGatewayConfig } from "./config.ts";
import { measureRoundTrips, runTransfers } from "./probe-client.ts";
import { startProbeServer } from "./probe-server.ts";
import { maxBufferedBytes, startDelayProxy } from "./proxy.ts";
import { classifyInterfaces, shapingCommands } from "./shaping.ts";

const READY_FILE = "/run/site-gateway.ready";

const USAGE = `usage: site-gateway <command>
  gateway                                   shape the link and forward routes (config in SITE_GATEWAY_CONFIG)
  serve --port P [--root DIR]               probe server: /ping, /bytes/N, POST /sink, /files/PATH
  transfer --url U --count N --concurrency C [--upload-bytes B] [--warmup-url W] [--timeout-s S]
                                            bounded downloads/uploads over warm connections (JSON)
  rtt --url U [--count N] [--timeout-s S]   times tiny requests over one connection (JSON)
  bystander --url U [--rate R] [--answer-bytes B] [--interval-ms I] [--max-s S] [--timeout-ms T]
                                            a business application's two flows until SIGTERM or S s (JSON)`;

async function gateway(): Promise<void> {
  const config = parseGatewayConfig(process.env.SITE_GATEWAY_CONFIG);
  const addresses = Object.entries(networkInterfaces()).flatMap(([name, entries]) =>
    (entries ?? [])
      .filter((entry) => entry.family === "IPv4")
      .map((entry) => ({ name, address: entry.address })),
  );
  const interfaces = classifyInterfaces(addresses, config.siteSubnet);
  for (const args of shapingCommands(interfaces, config)) {
    execFileSync("tc", args, { stdio: ["ignore", "inherit", "inherit"] });
    console.log(`tc ${args.join(" ")}`);
  }
  const maxBuffered = maxBufferedBytes(config);
  const servers = await Promise.all(
    config.routes.map((route) => startDelayProxy(route, config.rttMs, { maxBufferedBytes: maxBuffered })),
  );
  for (const route of config.routes) {
    console.log(
      `forward :${route.listenPort} -> ${route.upstreamHost}:${route.upstreamPort} (+${config.rttMs} ms rtt)`,
    );
  }
  writeFileSync(READY_FILE, `${new Date().toISOString()}\n`);
  console.log("site-gateway ready");
  const stop = () => {
    for (const server of servers) server.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** Runs the bystander until SIGTERM (the CLI stops it when a probe ends) or --max-s, then prints its samples. */
async function bystander(values: Record<string, unknown>): Promise<void> {
  if (typeof values.url !== "string") throw new Error("--url is required");
  const stop = new AbortController();
  process.on("SIGTERM", () => stop.abort());
  process.on("SIGINT", () => stop.abort());
  console.error("bystander running");
  const samples = await runBystander(
    {
      url: values.url,
      rate: Math.max(0.1, Math.min(numberOption(values, "rate", 5), 50)),
      answerBytes: Math.min(numberOption(values, "answer-bytes", 4096), 1024 * 1024),
      intervalMs: Math.max(10, Math.min(numberOption(values, "interval-ms", 200), 10_000)),
      maxS: Math.max(1, Math.min(numberOption(values, "max-s", 300), 1800)),
      timeoutMs: Math.max(100, Math.min(numberOption(values, "timeout-ms", 5000), 60_000)),
    },
    stop.signal,
  );
  console.log(JSON.stringify({ samples }));
}

function numberOption(values: Record<string, unknown>, name: string, fallback?: number): number {
  const raw = values[name];
  if (raw === undefined && fallback !== undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`--${name} must be a non-negative number, got ${String(raw)}`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: "string" },
      root: { type: "string" },
      url: { type: "string" },
      count: { type: "string" },
      concurrency: { type: "string" },
      "upload-bytes": { type: "string" },
      "warmup-url": { type: "string" },
      "timeout-s": { type: "string" },
      rate: { type: "string" },
      "answer-bytes": { type: "string" },
      "interval-ms": { type: "string" },
      "max-s": { type: "string" },
      "timeout-ms": { type: "string" },
    },
  });
  switch (command) {
    case "gateway":
      return gateway();
    case "serve":
      await startProbeServer(numberOption(values, "port", 8080), values.root);
      console.log("probe server ready");
      process.on("SIGTERM", () => process.exit(0));
      return;
    case "transfer": {
      if (!values.url) throw new Error("--url is required");
      const result = await runTransfers({
        url: values.url,
        count: Math.min(numberOption(values, "count", 1), 1000),
        concurrency: Math.max(1, Math.min(numberOption(values, "concurrency", 1), 64)),
        timeoutS: Math.min(numberOption(values, "timeout-s", 60), 600),
        uploadBytes: numberOption(values, "upload-bytes", 0),
        ...(values["warmup-url"] ? { warmupUrl: values["warmup-url"] } : {}),
      });
      console.log(JSON.stringify(result));
      return;
    }
    case "rtt": {
      if (!values.url) throw new Error("--url is required");
      const result = await measureRoundTrips({
        url: values.url,
        count: Math.max(2, Math.min(numberOption(values, "count", 10), 200)),
        timeoutS: Math.min(numberOption(values, "timeout-s", 10), 120),
      });
      console.log(JSON.stringify(result));
      return;
    }
    case "bystander":
      return bystander(values);
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`site-gateway: ${error.message}`);
  process.exit(1);
});
