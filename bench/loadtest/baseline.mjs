// The peer for engine-cost.ts: a minimal hand-written Node script that fetches the same HLS requests
// (master, media playlist, every segment, again) with one keep-alive agent per viewer, as fast as it can.
// Usage: node baseline.mjs <masterUrl> <viewers> <seconds>; prints {"requests":N,"cpuMs":M,"errors":E,"elapsedMs":T}
import http from "node:http";

const [masterUrl, viewersArg, secondsArg] = process.argv.slice(2);
const viewers = Number(viewersArg);
const deadline = Date.now() + Number(secondsArg) * 1000;
let requests = 0;
let errors = 0;

function get(agent, url, keep) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => keep && chunks.push(c));
      res.on("end", () => {
        requests++;
        if (res.statusCode !== 200) errors++;
        resolve(keep ? Buffer.concat(chunks).toString() : "");
      });
    });
    req.on("error", () => {
      errors++;
      resolve("");
    });
  });
}

async function viewer() {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 6 });
  while (Date.now() < deadline) {
    const master = await get(agent, masterUrl, true);
    const variant = master.split("\n").find((l) => l && !l.startsWith("#"));
    const mediaUrl = new URL(variant, masterUrl).href;
    const media = await get(agent, mediaUrl, true);
    for (const line of media.split("\n")) {
      if (!line || line.startsWith("#")) continue;
      if (Date.now() >= deadline) break;
      await get(agent, new URL(line, mediaUrl).href, false);
    }
  }
  agent.destroy();
}

const start = Date.now();
const cpu = process.cpuUsage();
await Promise.all(Array.from({ length: viewers }, viewer));
const used = process.cpuUsage(cpu);
process.stdout.write(
  `${JSON.stringify({ requests, errors, cpuMs: (used.user + used.system) / 1000, elapsedMs: Date.now() - start })}\n`,
);
