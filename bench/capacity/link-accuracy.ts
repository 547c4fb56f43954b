/**
 * How closely a site link delivers its configured rate and RTT, at several settings, side by side with
 * an unshaped peer run on the same sandbox network.
 *
 *   npx tsx bench/capacity/link-accuracy.ts [--rates 2,10,50] [--rtt-ms 40] [--seconds 10]
 *
 * For each rate: parallel downloads and uploads sized to last about --seconds, plus request timings.
 * Reports measured / configured (goodput; tbf counts TCP/IP headers, so ~0.96 is the ceiling).
 * Writes bench/out/capacity-link-accuracy.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { projectRoot } from "../../sandbox-cli/src/paths.ts";
import { createSiteLink, removeSiteLink } from "../../sandbox-cli/src/sites/index.ts";
import { createLogger } from "../../sandbox-cli/src/util/log.ts";
import { createLinkHarness, runProbe } from "../../test/integration/sites/link-harness.ts";

interface Transfer {
  bytes: number;
  seconds: number;
  mbps: number;
  errors: number;
}
interface Rtt {
  firstRequestMs: number;
  reusedMedianMs: number;
}

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "2,10,50" },
    "rtt-ms": { type: "string", default: "40" },
    seconds: { type: "string", default: "10" },
  },
});
const rates = values.rates.split(",").map(Number);
const rttMs = Number(values["rtt-ms"]);
const seconds = Number(values.seconds);
const log = createLogger();
const harness = await createLinkHarness("bench-link");
const rows = [];
try {
  const direct = `http://${harness.fileServer}:8080`;
  const peer = await runProbe<Rtt>(harness, harness.network, [
    "rtt",
    "--url",
    `${direct}/ping`,
    "--count",
    "21",
  ]);
  log.info(`unshaped peer on the sandbox network: reused request ${peer.reusedMedianMs.toFixed(1)} ms`);
  for (const rate of rates) {
    const site = {
      name: `rate-${rate}`,
      downlinkMbps: rate,
      uplinkMbps: rate / 2,
      rttMs,
      learners: 1,
      trainingShare: 1,
    };
    const link = await createSiteLink(
      {
        sandbox: harness.identity,
        site,
        sandboxNetwork: harness.network,
        targets: [{ name: "files", host: harness.fileServer, port: 8080 }],
      },
      log,
    );
    try {
      const url = link.targetHostFor("files").url;
      const perDownload = Math.round((rate * 1e6 * seconds) / 8 / 4);
      const perUpload = Math.round(((rate / 2) * 1e6 * seconds) / 8 / 2);
      const common = ["--timeout-s", String(seconds * 4), "--warmup-url", `${url}/ping`];
      const down = await runProbe<Transfer>(harness, link.network, [
        "transfer",
        "--url",
        `${url}/bytes/${perDownload}`,
        "--count",
        "4",
        "--concurrency",
        "4",
        ...common,
      ]);
      const up = await runProbe<Transfer>(harness, link.network, [
        "transfer",
        "--url",
        `${url}/sink`,
        "--upload-bytes",
        String(perUpload),
        "--count",
        "2",
        "--concurrency",
        "2",
        ...common,
      ]);
      const rtt = await runProbe<Rtt>(harness, link.network, [
        "rtt",
        "--url",
        `${url}/ping`,
        "--count",
        "21",
      ]);
      const row = {
        downlinkMbps: rate,
        measuredDownMbps: down.mbps,
        downRatio: down.mbps / rate,
        uplinkMbps: rate / 2,
        measuredUpMbps: up.mbps,
        upRatio: up.mbps / (rate / 2),
        rttMs,
        measuredRttMs: rtt.reusedMedianMs,
        addedOverPeerMs: rtt.reusedMedianMs - peer.reusedMedianMs,
        errors: down.errors + up.errors,
      };
      rows.push(row);
      log.info(
        `${rate} Mbit/s: down ${down.mbps.toFixed(2)} (x${row.downRatio.toFixed(3)}), up ${up.mbps.toFixed(2)} (x${row.upRatio.toFixed(3)}), rtt ${rtt.reusedMedianMs.toFixed(1)} ms for ${rttMs}`,
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
await writeFile(
  join(outDir, "capacity-link-accuracy.json"),
  `${JSON.stringify({ rttMs, seconds, rows }, null, 2)}\n`,
);
process.stdout.write("rate Mbit/s | down ratio | up ratio | rtt ms (configured) | added over peer ms\n");
for (const r of rows) {
  process.stdout.write(
    `${r.downlinkMbps} | ${r.downRatio.toFixed(3)} | ${r.upRatio.toFixed(3)} | ${r.measuredRttMs.toFixed(1)} (${r.rttMs}) | ${r.addedOverPeerMs.toFixed(1)}\n`,
  );
}
